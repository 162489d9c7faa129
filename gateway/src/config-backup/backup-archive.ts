// The tar.gz of a backup, written and read with tar-stream over node:zlib (never a hand-made tar).
// Reading treats the archive as hostile: it is inflated as a stream and counted, so a decompression
// bomb stops at the cap instead of filling memory; a member that is not a regular file or folder
// (symlink, hard link, device, fifo), a name that is absolute or climbs with `..`, or a name that
// appears twice refuses the whole archive, so nothing of it is applied (docs/backup.md).
import { HttpException } from '@nestjs/common';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import * as tar from 'tar-stream';

export interface ArchiveFile {
  name: string;
  content: Uint8Array;
  mode: number;
}

export interface ArchiveLimits {
  /** Bytes of the whole inflated tar stream (headers included). */
  maxTotalBytes: number;
  /** Bytes of one member. */
  maxMemberBytes: number;
  /** Members, folders included. */
  maxMembers: number;
}

export const invalidArchive = (message: string) => new HttpException({ error: 'invalid_archive', message }, 400);
export const archiveTooLarge = (message: string) => new HttpException({ error: 'archive_too_large', message }, 413);

/** A gzip'd tar of the files, as a stream for the HTTP reply. */
export function packArchive(files: readonly ArchiveFile[], mtime = new Date()): Readable {
  const pack = tar.pack();
  const gzip = createGzip();
  void (async () => {
    try {
      for (const f of files) {
        await new Promise<void>((resolve, reject) =>
          pack.entry({ name: f.name, size: f.content.byteLength, mode: f.mode || 0o644, mtime }, Buffer.from(f.content), (err) =>
            err ? reject(err) : resolve(),
          ),
        );
      }
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })(); // fire and forget: errors reach the reader through the destroyed stream
  pipeline(pack, gzip).catch((err: Error) => gzip.destroy(err));
  return gzip;
}

/** Why a member name is unsafe, or undefined. Leading `./` is tolerated (tar's own habit). */
export function unsafeMemberName(name: string): string | undefined {
  if (!name) return 'a member has an empty name';
  if (name.includes('\0')) return `${JSON.stringify(name)}: NUL in a name`;
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return `${name}: absolute paths are not allowed`;
  if (name.split(/[\\/]/).includes('..')) return `${name}: ".." is not allowed`;
  return undefined;
}

const normalName = (name: string) => name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');

/** Every regular file of the archive; throws invalid_archive / archive_too_large (then nothing was kept). */
export async function readArchive(data: Uint8Array, limits: ArchiveLimits): Promise<ArchiveFile[]> {
  let inflated = 0;
  // The pipeline and the entry loop may each see the failure, in either order: keep both, prefer ours.
  const failures: Error[] = [];
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      inflated += chunk.length;
      if (inflated > limits.maxTotalBytes) done(archiveTooLarge(`the archive inflates to more than ${limits.maxTotalBytes} bytes`));
      else done(null, chunk);
    },
  });
  const extract = tar.extract();
  const piped = pipeline(Readable.from([Buffer.from(data)]), createGunzip(), counter, extract).catch((err: Error) => {
    failures.push(err);
  });
  const files: ArchiveFile[] = [];
  const names = new Set<string>();
  let members = 0;
  try {
    for await (const entry of extract) {
      const { header } = entry;
      if (++members > limits.maxMembers) throw archiveTooLarge(`the archive holds more than ${limits.maxMembers} members`);
      const unsafe = unsafeMemberName(header.name);
      if (unsafe) throw invalidArchive(unsafe);
      const name = normalName(header.name);
      if (header.type === 'directory') {
        entry.resume();
        continue;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file')
        throw invalidArchive(`${name}: ${header.type} members are not allowed (only regular files)`);
      if (!name) throw invalidArchive('a member has an empty name');
      if (names.has(name)) throw invalidArchive(`${name} appears twice in the archive`);
      if (header.size > limits.maxMemberBytes) throw archiveTooLarge(`${name} is larger than ${limits.maxMemberBytes} bytes`);
      names.add(name);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      files.push({ name, content: Buffer.concat(chunks), mode: header.mode & 0o777 });
    }
  } catch (err) {
    failures.push(err as Error);
  }
  extract.destroy();
  await piped;
  const ours = failures.find((e) => e instanceof HttpException);
  if (ours) throw ours;
  if (failures.length) throw invalidArchive(`not a readable tar.gz archive (${failures[0].message})`);
  return files;
}
