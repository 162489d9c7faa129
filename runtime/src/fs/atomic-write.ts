// Every pi-forge-owned file is written the same way: a temp file in the same folder, fsync,
// rename over the target, fsync the folder; the temp file is removed on any failure.
import { randomUUID } from 'node:crypto';
import { open, rename, rm, chmod } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode for the new file (e.g. 0o600 for secrets). */
  mode?: number;
  /** Temp name; default `<target>.<uuid>.tmp` (docs/compatibility.md#on-disk-files). */
  tempPath?: string;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(target);
  const temp = options.tempPath ?? join(dir, `${basename(target)}.${randomUUID()}.tmp`);
  const mode = options.mode ?? 0o644;
  let handle;
  try {
    handle = await open(temp, 'w', mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (options.mode !== undefined) await chmod(temp, mode);
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
