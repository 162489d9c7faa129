// `!` / `!!` commands typed by the user (docs/compatibility.md#sessions): bash in the project folder with the same
// scrubbed environment as the agent's tool, stopped after 30 s.
import { sandboxEnv, type SandboxIdentity } from '@pi-forge/runtime';
import type { BashOperations } from '../sdk/pi-sdk.js';
import { sandboxedShellOperations } from './sandboxed-shell.js';
import { scrubToolEnv } from './tool-env.js';

export const USER_EXEC_TIMEOUT_MS = 30_000;

/**
 * `createLocal` is the SDK's createLocalBashOperations (passed in: the SDK is loaded lazily).
 * `inherited` is the service's environment as the config module read it (config.inheritedEnv). With a
 * sandbox identity, commands run as it (HOME and USER too); `!` exec never gets the tool env (docs/compatibility.md#config).
 */
export function userExecOperations(
  createLocal: () => BashOperations,
  inherited: Readonly<Record<string, string>>,
  passthrough: readonly string[],
  timeoutMs = USER_EXEC_TIMEOUT_MS,
  identity?: SandboxIdentity,
): BashOperations {
  const local = identity ? sandboxedShellOperations(identity) : createLocal();
  return {
    exec: (command, cwd, options) => {
      const cap = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, cap]) : cap;
      return local.exec(command, cwd, {
        ...options,
        signal,
        env: { ...scrubToolEnv(options.env ?? inherited, passthrough), ...(identity ? sandboxEnv(identity) : {}) },
      });
    },
  };
}
