// Writes several files as close to all-or-nothing as a file system allows: every new version is
// first written beside its target (temp + fsync, final mode), and only when all of them are on disk
// are they renamed over the targets. A failure before the renames leaves every target untouched.
import { lstat, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { tempSiblingName } from '@pi-forge/runtime';

export interface BatchFile {
  path: string;
  content: Uint8Array;
  /** Mode of a new file; an existing file keeps its mode narrowed to this (like writeFileAtomic). */
  mode: number | undefined;
}

async function modeFor(target: string, requested: number | undefined): Promise<number> {
  // lstat: a link in the target's place is replaced by the rename, so its target's mode is not the file's.
  const existing = await lstat(target).then(
    (s) => (s.isFile() ? s.mode & 0o7777 : undefined),
    () => undefined,
  );
  if (existing === undefined) return requested ?? 0o644 & ~process.umask();
  return requested === undefined ? existing : existing & requested;
}

export async function writeFilesAtomic(files: readonly BatchFile[]): Promise<void> {
  const staged: { temp: string; target: string }[] = [];
  try {
    for (const file of files) {
      const temp = join(dirname(file.path), tempSiblingName(basename(file.path)));
      const mode = await modeFor(file.path, file.mode);
      const handle = await open(temp, 'wx', 0o600);
      staged.push({ temp, target: file.path });
      try {
        await handle.writeFile(file.content);
        await handle.chmod(mode);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    throw err;
  }
  for (const s of staged) await rename(s.temp, s.target);
  // The renames are durable once each folder is synced.
  for (const dir of new Set(staged.map((s) => dirname(s.target)))) {
    const handle = await open(dir, 'r').catch(() => undefined);
    await handle?.sync().catch(() => undefined);
    await handle?.close();
  }
}
