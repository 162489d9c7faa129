// File operations inside one project: tree, read, write, mkdir, rename, move, delete.
// Every path goes through the project's PathGuard first; errno values map to public codes.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { forgeError, GrpcStatus, writeFileAtomic } from '@pi-forge/runtime';
import type { ReadFileResponse, TreeNode } from '@pi-forge/proto/workspace';
import { assertName, invalidName, isInside, PathGuard } from '../paths/path-guard.js';
import { mapFsErrors } from '../paths/fs-errors.js';
import { ProjectRegistry } from '../projects/project-registry.js';
import { detectLanguage } from './language.js';
import { SKIP_DIRS } from './skip-dirs.js';

export const READ_LIMIT_BYTES = 5 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8000;
const MAX_TREE_DEPTH = 32;
const MAX_TREE_NODES = 200_000;

@Injectable()
export class ProjectFiles {
  constructor(private readonly projects: ProjectRegistry) {}

  /** The containment guard of a project; project_not_found when the id is unknown. */
  async guard(projectId: string): Promise<PathGuard> {
    const project = await this.projects.require(projectId);
    return new PathGuard(project.path);
  }

  async tree(projectId: string, maxDepth: number): Promise<TreeNode> {
    const guard = await this.guard(projectId);
    const root = await guard.rootPath();
    const depth = Math.min(MAX_TREE_DEPTH, Math.max(1, maxDepth || MAX_TREE_DEPTH));
    // Links to folders inside the project are followed like folders; a link back to one of its own
    // ancestors would loop, so it is listed but not entered. The node budget bounds link fan-out.
    let budget = MAX_TREE_NODES;
    const walk = async (dir: string, rel: string, level: number, ancestors: ReadonlySet<string>): Promise<TreeNode> => {
      const node: TreeNode = { name: rel ? basename(rel) : basename(root), path: rel, type: 'directory', children: [], truncated: false };
      if (level >= depth || budget <= 0) return { ...node, truncated: true };
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return { ...node, truncated: true };
      }
      const dirs: TreeNode[] = [];
      const files: TreeNode[] = [];
      budget -= entries.length;
      for (const entry of entries) {
        if (SKIP_DIRS.has(entry.name)) continue;
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        const full = join(dir, entry.name);
        let kind: 'file' | 'directory' | undefined;
        let real = full;
        if (entry.isDirectory()) kind = 'directory';
        else if (entry.isFile()) kind = 'file';
        else if (entry.isSymbolicLink()) {
          // Listed as what it points at, only when that stays inside the project.
          try {
            real = (await guard.resolve(full)).real;
            const info = await stat(real);
            kind = info.isDirectory() ? 'directory' : info.isFile() ? 'file' : undefined;
          } catch { kind = undefined; }
        }
        if (kind === 'file') files.push({ name: entry.name, path: childRel, type: 'file', children: [], truncated: false });
        else if (kind === 'directory') {
          if (ancestors.has(real)) { dirs.push({ name: entry.name, path: childRel, type: 'directory', children: [], truncated: true }); continue; }
          dirs.push(await walk(real, childRel, level + 1, new Set([...ancestors, real])));
        }
      }
      const byName = (a: TreeNode, b: TreeNode) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || (a.name < b.name ? -1 : 1);
      node.children = [...dirs.sort(byName), ...files.sort(byName)];
      return node;
    };
    return walk(root, '', 0, new Set([root]));
  }

  async read(projectId: string, path: string): Promise<ReadFileResponse> {
    const target = await (await this.guard(projectId)).resolve(path);
    return mapFsErrors(async () => {
      const info = await stat(target.real);
      if (info.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_file', 'path is a directory');
      if (!info.isFile()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_file', 'path is not a regular file');
      if (info.size > READ_LIMIT_BYTES) throw forgeError(GrpcStatus.RESOURCE_EXHAUSTED, 'file_too_large', `${info.size} > ${READ_LIMIT_BYTES}`);
      const handle = await open(target.real, 'r');
      try {
        const data = await handle.readFile();
        if (data.length > READ_LIMIT_BYTES) throw forgeError(GrpcStatus.RESOURCE_EXHAUSTED, 'file_too_large', `${data.length} > ${READ_LIMIT_BYTES}`);
        const binary = data.subarray(0, BINARY_SNIFF_BYTES).includes(0);
        return { path: target.real, content: binary ? '' : data.toString('utf8'), size: data.length, language: detectLanguage(target.real), binary };
      } finally {
        await handle.close();
      }
    });
  }

  async write(projectId: string, path: string, content: string): Promise<{ path: string }> {
    const target = await (await this.guard(projectId)).resolve(path, { allowRoot: false });
    await mapFsErrors(async () => {
      const existing = await stat(target.real).catch(() => undefined);
      if (existing?.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_file', 'path is a directory');
      await mkdir(dirname(target.real), { recursive: true });
      await writeFileAtomic(target.real, content ?? '', existing ? { mode: existing.mode & 0o7777 } : {});
    });
    return { path };
  }

  async mkdir(projectId: string, parentPath: string, name: string): Promise<{ path: string }> {
    assertName(name);
    const guard = await this.guard(projectId);
    const parent = await guard.resolve(parentPath);
    const target = await guard.resolve(join(parent.real, name));
    await mapFsErrors(async () => {
      if (!(await stat(parent.real)).isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'parentPath is not a directory');
      await mkdir(target.real);
    });
    return { path: target.real };
  }

  async rename(projectId: string, path: string, name: string): Promise<{ path: string }> {
    assertName(name);
    const guard = await this.guard(projectId);
    const src = await guard.resolve(path, { allowRoot: false });
    const dest = await guard.resolve(join(dirname(src.entry), name), { allowRoot: false });
    await mapFsErrors(async () => {
      const from = await lstat(src.entry);
      const existing = await lstat(dest.entry).catch(() => undefined);
      if (existing && src.entry !== dest.entry) {
        // Same inode under another spelling = a case-only rename on a case-insensitive disk.
        if (existing.ino !== from.ino || existing.dev !== from.dev) throw forgeError(GrpcStatus.ALREADY_EXISTS, 'target_exists', 'a file or folder with that name already exists');
        const temp = join(dirname(src.entry), `.${basename(src.entry)}.${randomUUID()}.rename`);
        await rename(src.entry, temp);
        await rename(temp, dest.entry);
        return;
      }
      if (src.entry !== dest.entry) await rename(src.entry, dest.entry);
    });
    return { path: dest.entry };
  }

  async move(projectId: string, srcPath: string, destPath: string): Promise<{ path: string }> {
    const guard = await this.guard(projectId);
    const src = await guard.resolve(srcPath, { allowRoot: false });
    const dest = await guard.resolve(destPath, { allowRoot: false });
    if (isInside(src.entry, dest.entry)) throw invalidName('cannot move a directory into itself');
    await mapFsErrors(async () => {
      await lstat(src.entry);
      if (await lstat(dest.entry).then(() => true, () => false)) throw forgeError(GrpcStatus.ALREADY_EXISTS, 'target_exists', 'the destination already exists');
      if (!(await stat(dirname(dest.entry))).isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'the destination folder does not exist');
      await rename(src.entry, dest.entry);
    });
    return { path: dest.entry };
  }

  async delete(projectId: string, path: string, recursive: boolean): Promise<void> {
    const target = await (await this.guard(projectId)).resolve(path, { allowRoot: false });
    await mapFsErrors(async () => {
      const info = await lstat(target.entry);
      if (!info.isDirectory()) return rm(target.entry);
      if (recursive) return rm(target.entry, { recursive: true });
      try {
        await rmdir(target.entry);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') throw forgeError(GrpcStatus.ALREADY_EXISTS, 'directory_not_empty', 'the directory is not empty; pass recursive=true');
        throw err;
      }
    });
  }
}
