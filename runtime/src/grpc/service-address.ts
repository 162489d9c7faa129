// Service addresses are `unix:///abs/path.sock` (the default, on loopback) or `host:port`.
// A unix socket left behind by a killed process is removed before binding, unless a live
// server still answers on it, in which case start-up stops rather than stealing the socket.
// The default socket folder has a predictable name under the shared temp dir, so another local
// user could create it first and then sit between the gateway and the services: we refuse a
// folder (or a stale socket) that is not ours, and a folder anyone else may enter or write.
import { lstatSync, mkdirSync, rmdirSync, rmSync, type Stats } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';

export function unixSocketPath(url: string): string | undefined {
  return url.startsWith('unix://') ? url.slice('unix://'.length) : undefined;
}

function socketAnswers(path: string, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(timeoutMs, () => done(false));
  });
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const HINT = 'remove it, or set FORGE_RUNTIME_DIR to a folder only this user can use';

/** Throws unless `dir` is a real folder owned by this process's user with mode 0700 (no group/other bits). */
export function assertPrivateFolder(dir: string, uid = process.getuid?.()): void {
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`refusing socket folder ${dir}: it is not a folder (a symlink?); ${HINT}`);
  if (uid !== undefined && st.uid !== uid)
    throw new Error(`refusing socket folder ${dir}: it belongs to uid ${st.uid}, not to us (uid ${uid}); ${HINT}`);
  if ((st.mode & 0o077) !== 0)
    throw new Error(`refusing socket folder ${dir}: its mode is 0${(st.mode & 0o777).toString(8)}, it must be 0700; ${HINT}`);
}

/**
 * Makes the socket folder (0700) or checks that the existing one is private to us, and clears a
 * stale socket file of ours; throws (start-up stops) if a live server owns it or it is someone else's.
 */
export async function prepareServiceAddress(url: string): Promise<void> {
  const path = unixSocketPath(url);
  if (!path) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  assertPrivateFolder(dirname(path));
  const st = lstatOrUndefined(path);
  if (!st) return;
  const uid = process.getuid?.();
  if (!st.isSocket()) throw new Error(`refusing to replace ${path}: it is not a socket; ${HINT}`);
  if (uid !== undefined && st.uid !== uid)
    throw new Error(`refusing stale socket ${path}: it belongs to uid ${st.uid}, not to us (uid ${uid}); ${HINT}`);
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
