// Service addresses are `unix:///abs/path.sock` (the default, on loopback) or `host:port`.
// A unix socket left behind by a killed process is removed before binding, unless a live
// server still answers on it, in which case start-up stops rather than stealing the socket.
import { mkdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';

export function unixSocketPath(url: string): string | undefined {
  return url.startsWith('unix://') ? url.slice('unix://'.length) : undefined;
}

function socketAnswers(path: string, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (alive: boolean) => { socket.destroy(); resolve(alive); };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(timeoutMs, () => done(false));
  });
}

/** Makes the socket folder (0700) and clears a stale socket file; throws if a live server owns it. */
export async function prepareServiceAddress(url: string): Promise<void> {
  const path = unixSocketPath(url);
  if (!path) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let exists = false;
  try { exists = statSync(path).isSocket(); } catch { /* absent */ }
  if (!exists) return;
  if (await socketAnswers(path)) throw new Error(`another process is already serving on ${path}`);
  rmSync(path, { force: true });
}

/** Removes the socket file, and its folder once no other service's socket is left in it. */
export function removeServiceSocket(url: string): void {
  const path = unixSocketPath(url);
  if (!path) return;
  rmSync(path, { force: true });
  try {
    rmdirSync(dirname(path));
  } catch {
    // not empty (another service still runs) or already gone
  }
}
