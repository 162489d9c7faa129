// The environment the agent's shell tools see: an allowlist of harmless variables from the service
// env plus TERMINAL_PASSTHROUGH_ENV, so provider keys and other secrets the agent process holds
// never reach a command the model chose. (The original inherits the whole env outside sandbox mode.)
import { allowlistedEnv } from '@pi-forge/runtime';

/** Session metadata the SDK adds for the tool; not secret. */
const SDK_SESSION_VARS = /^PI_(SESSION_ID|SESSION_FILE|PROVIDER|MODEL|REASONING_LEVEL)$/;

export function scrubToolEnv(env: NodeJS.ProcessEnv, passthrough: readonly string[] = []): NodeJS.ProcessEnv {
  return allowlistedEnv(env, passthrough, (name) => name === 'TMPDIR' || SDK_SESSION_VARS.test(name));
}
