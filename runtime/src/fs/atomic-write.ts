// Every pi-forge-owned file is written the same way: a temp file in the same folder, fsync,
// rename over the target, fsync the folder; the temp file is removed on any failure.
// Modes: the temp file is created 0600 (nothing can read it half-written), then given the final
// mode before the rename (a new file with no requested mode is simply 0644 less the umask). An existing file keeps its own mode, so a user's `chmod 600` survives
// our next write; `mode` narrows it further, so a secret file is never left wider than asked.
import { randomUUID } from 'node:crypto';
import { open, rename, rm, chmod, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Mode for a new file (e.g. 0o600 for secrets); an existing file keeps its mode, narrowed to this. */
  mode?: number;
  /** Temp name; default `<target>.<uuid>.tmp` (docs/compatibility.md#on-disk-files), the name cut short when it would not fit (see tempSiblingName). */
  tempPath?: string;
}

/** Longest file name (bytes) the Linux file systems we run on accept (NAME_MAX). */
const NAME_MAX = 255;

/**
 * `<prefix><name>.<uuid>.<tag>` for a temp file beside `name`, cut to at most NAME_MAX bytes: a legal
 * but long name (say 250 bytes) must still be writable, so the copy of the name is shortened at a
 * character boundary; the prefix, uuid and tag always stay whole (still recognisable, still unique).
 */
export function tempSiblingName(name: string, tag = 'tmp', prefix = ''): string {
  const tail = `.${randomUUID()}.${tag}`;
  const room = NAME_MAX - Buffer.byteLength(prefix) - Buffer.byteLength(tail);
  let kept = '';
  let used = 0;
  for (const ch of name) {
    const size = Buffer.byteLength(ch);
    if (used + size > room) break;
    kept += ch;
    used += size;
  }
  return `${prefix}${kept}${tail}`;
}

/** The mode to give the written file; undefined: a new file with no requested mode (0644 less umask). */
async function finalMode(target: string, requested: number | undefined): Promise<number | undefined> {
  let existing: number | undefined;
  try {
    existing = (await stat(target)).mode & 0o7777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing === undefined) return requested;
  return requested === undefined ? existing : existing & requested;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(target);
  const temp = options.tempPath ?? join(dir, tempSiblingName(basename(target)));
  const mode = await finalMode(target, options.mode);
  let handle;
  try {
    handle = await open(temp, 'wx', mode === undefined ? 0o644 : 0o600);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, target);
  } catch (err) {
    await handle?.close().catch(() => {});
    await rm(temp, { force: true });
    throw err;
  }
  const dirHandle = await open(dir, 'r').catch(() => undefined);
  await dirHandle?.sync().catch(() => {});
  await dirHandle?.close();
}

export async function writeJsonAtomic(target: string, value: unknown, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`, options);
}
