// ${PI_CONFIG_DIR}/skills/ as a set of files for backup: listing never follows a symbolic link (a
// link to /etc must not export /etc), and writing walks the folders one by one, refusing any path
// that climbs out or passes through a link or a non-folder, so every write lands inside skills/.
import { lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { forgeError, GrpcStatus } from '@pi-forge/runtime';
import { writeFilesAtomic } from './file-batch.js';

/** Caps that keep one backup inside one gRPC message (64 MiB) with room to spare. */
export const MAX_SKILLS_BYTES = 50 * 1024 * 1024;
export const MAX_SKILLS_FILES = 5000;
const MAX_DEPTH = 32;

export interface SkillFile {
  /** Path relative to skills/, `/`-separated. */
  name: string;
  content: Uint8Array;
  mode: number;
}

/** Why a relative path may not be written under skills/, or undefined. */
export function skillPathProblem(name: string): string | undefined {
  if (!name) return 'empty path';
  if (name.includes('\0')) return 'the path contains a NUL byte';
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return 'absolute paths are not allowed';
  if (Buffer.byteLength(name) > 4096) return 'the path is longer than 4096 bytes';
  const segments = name.split('/');
  if (segments.some((s) => s === '..')) return '".." is not allowed';
  if (segments.some((s) => s === '' || s === '.')) return 'empty or "." path segments are not allowed';
  if (segments.some((s) => Buffer.byteLength(s) > 255)) return 'a path segment is longer than 255 bytes';
  if (segments.length > MAX_DEPTH) return `deeper than ${MAX_DEPTH} folders`;
  return undefined;
}

/** Executable files stay executable; nothing else of the archive's mode is trusted. */
const skillMode = (mode: number) => (mode & 0o100 ? 0o755 : 0o644);

export class SkillsFolder {
  constructor(readonly root: string) {}

  /** Every regular file, sorted by path; FAILED_PRECONDITION when over the caps. */
  async list(): Promise<SkillFile[]> {
    const files: SkillFile[] = [];
    let bytes = 0;
    const visit = async (dir: string, prefix: string, depth: number): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
        throw err;
      });
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = join(dir, entry.name);
        const name = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory() && depth < MAX_DEPTH) await visit(path, name, depth + 1);
        if (!entry.isFile()) continue; // links, sockets, devices: never exported
        const info = await lstat(path);
        bytes += info.size;
        if (bytes > MAX_SKILLS_BYTES || files.length >= MAX_SKILLS_FILES)
          throw forgeError(
            GrpcStatus.FAILED_PRECONDITION,
            'skills_directory_too_large',
            `skills/ holds more than ${MAX_SKILLS_FILES} files or ${MAX_SKILLS_BYTES / 1024 / 1024} MiB`,
          );
        files.push({ name, content: await readFile(path), mode: info.mode & 0o777 });
      }
    };
    await visit(this.root, '', 0);
    return files;
  }

  /** The current bytes of a file under skills/, or undefined (missing, or not a regular file). */
  async current(name: string): Promise<Buffer | undefined> {
    const path = join(this.root, ...name.split('/'));
    const info = await lstat(path).catch(() => undefined);
    return info?.isFile() ? readFile(path) : undefined;
  }

  /**
   * Why `name` cannot be written (a folder on the way is a link or a file, or the target is a
   * folder), or undefined; with `create`, the missing folders are made on the way.
   */
  async blocked(name: string, create: boolean): Promise<string | undefined> {
    const segments = name.split('/');
    let dir = this.root;
    if (create) await mkdir(this.root, { recursive: true, mode: 0o700 });
    for (const segment of segments.slice(0, -1)) {
      dir = join(dir, segment);
      const info = await lstat(dir).catch(() => undefined);
      if (!info) {
        if (!create) return undefined; // nothing further down exists yet
        await mkdir(dir, { mode: 0o755 });
      } else if (info.isSymbolicLink()) return 'the path passes through a symbolic link';
      else if (!info.isDirectory()) return 'a folder on the path is a file';
    }
    const target = await lstat(join(dir, segments[segments.length - 1])).catch(() => undefined);
    if (target && !target.isFile() && !target.isSymbolicLink()) return 'the target exists and is not a file';
    return undefined;
  }

  /** Writes files whose paths passed skillPathProblem and blocked(); existing files are overwritten. */
  async write(files: readonly SkillFile[]): Promise<void> {
    for (const f of files) {
      const problem = await this.blocked(f.name, true);
      if (problem) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_archive', `skills/${f.name}: ${problem}`);
    }
    await writeFilesAtomic(
      files.map((f) => ({ path: join(this.root, ...f.name.split('/')), content: f.content, mode: skillMode(f.mode) })),
    );
  }
}
