// Shell execution as the sandbox identity (docs/compatibility.md#auth-and-security): the SDK's local shell cannot switch
// user, so with the sandbox on, the agent's bash tool and `!` exec run through these operations
// instead: bash -c in its own process group with uid/gid set by the kernel at spawn, killed as a
// group on abort or timeout (so background children go too).
import { spawn } from 'node:child_process';
import type { SandboxIdentity } from '@pi-forge/runtime';
import type { BashOperations } from '../sdk/pi-sdk.js';

const KILL_GRACE_MS = 2_000;

export function sandboxedShellOperations(identity: SandboxIdentity, shell = '/bin/bash'): BashOperations {
  return {
    exec: (command, cwd, { onData, signal, timeout, env }) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new Error('aborted'));
        const child = spawn(shell, ['-c', command], {
          cwd,
          env: env ?? {},
          uid: identity.uid,
          gid: identity.gid,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let timedOut = false;
        const killGroup = () => {
          if (!child.pid) return;
          try {
            process.kill(-child.pid, 'SIGTERM');
          } catch {
            /* already gone */
          }
          setTimeout(() => {
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              /* gone */
            }
          }, KILL_GRACE_MS).unref();
        };
        const timer = timeout
          ? setTimeout(() => {
              timedOut = true;
              killGroup();
            }, timeout * 1000)
          : undefined;
        signal?.addEventListener('abort', killGroup, { once: true });
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('error', (err) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', killGroup);
          reject(err);
        });
        child.once('close', (code, sig) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', killGroup);
          if (signal?.aborted) return reject(new Error('aborted'));
          if (timedOut) return reject(new Error(`timeout:${timeout}`));
          resolve({ exitCode: code ?? (sig ? 128 + (signalNumber(sig) ?? 0) : null) });
        });
      }),
  };
}

function signalNumber(sig: NodeJS.Signals): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[sig];
}
