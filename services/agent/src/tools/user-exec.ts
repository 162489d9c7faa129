// `!` / `!!` commands typed by the user (docs/compatibility.md#sessions): bash in the project folder with the same
// scrubbed environment as the agent's tool, stopped after 30 s.
import { createLocalBashOperations, type BashOperations } from '../sdk/pi-sdk.js';
import { scrubToolEnv } from './tool-env.js';

export const USER_EXEC_TIMEOUT_MS = 30_000;

/** `inherited` is the service's environment as the config module read it (config.inheritedEnv). */
export function userExecOperations(inherited: Readonly<Record<string, string>>, passthrough: readonly string[], timeoutMs = USER_EXEC_TIMEOUT_MS): BashOperations {
  const local = createLocalBashOperations();
  return {
    exec: (command, cwd, options) => {
      const cap = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, cap]) : cap;
      return local.exec(command, cwd, { ...options, signal, env: scrubToolEnv(options.env ?? inherited, passthrough) });
    },
  };
}
