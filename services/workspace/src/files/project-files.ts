// File operations inside one project: tree, read, write, mkdir, rename, move, delete.
// Every path goes through the project's PathGuard first; errno values map to public codes.
import { Injectable } from '@nestjs/common';
import { basename, join } from 'node:path';
import { forgeError, GrpcStatus, tempSiblingName } from '@pi-forge/runtime';
import { TreeNodeType, type ReadFileResponse, type TreeNode } from '@pi-forge/proto/workspace';
import { assertName, invalidName, isInside, type GuardedPath } from '../paths/path-guard.js';
import { mapFsErrors } from '../paths/fs-errors.js';
import { FsDoor, type ProjectFs } from '../paths/project-fs.js';
import { ProjectRegistry } from '../projects/project-registry.js';
import { detectLanguage } from './language.js';
import { SKIP_DIRS } from './skip-dirs.js';

export const READ_LIMIT_BYTES = 5 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8000;
const MAX_TREE_DEPTH = 32;
const MAX_TREE_NODES = 200_000;

@Injectable()
export class ProjectFiles {
  constructor(
    private readonly projects: ProjectRegistry,
    private readonly door: FsDoor,
  ) {}

  /** The filesystem door of a project; project_not_found when the id is unknown. */
  async fs(projectId: string): Promise<ProjectFs> {
    const project = await this.projects.require(projectId);
    return this.door.project(project.path);
  }

  async tree(projectId: string, maxDepth: number): Promise<TreeNode> {
    const fs = await this.fs(projectId);
    const rootDir = await fs.root();
    const depth = Math.min(MAX_TREE_DEPTH, Math.max(1, maxDepth || MAX_TREE_DEPTH));
    // Links to folders inside the project are followed like folders; a link back to one of its own
    // ancestors would loop, so it is listed but not entered. The node budget bounds link fan-out.
    let budget = MAX_TREE_NODES;
    const walk = async (dir: GuardedPath, rel: string, level: number, ancestors: ReadonlySet<string>): Promise<TreeNode> => {
      const node: TreeNode = {
        name: rel ? basename(rel) : basename(rootDir.root),
        path: rel,
        type: TreeNodeType.TREE_NODE_TYPE_DIRECTORY,
        children: [],
        truncated: false,
      };
      if (level >= depth || budget <= 0) return { ...node, truncated: true };
      let entries;
      try {
        entries = await fs.readdir(dir);
      } catch {
        return { ...node, truncated: true };
      }
      const dirs: TreeNode[] = [];
      const files: TreeNode[] = [];
      budget -= entries.length;
      for (const entry of entries) {
        if (SKIP_DIRS.has(entry.name)) continue;
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        let kind: 'file' | 'directory' | undefined;
        let child: GuardedPath | undefined;
        try {
          // Listed as what it points at, only when that stays inside the project.
          child = await fs.child(dir, entry.name, entry);
          const info = entry.isSymbolicLink() ? await fs.stat(child) : entry;
          kind = info.isDirectory() ? 'directory' : info.isFile() ? 'file' : undefined;
        } catch {
          kind = undefined;
        }
        if (kind === 'file')
          files.push({ name: entry.name, path: childRel, type: TreeNodeType.TREE_NODE_TYPE_FILE, children: [], truncated: false });
        else if (kind === 'directory' && child) {
          if (ancestors.has(child.real)) {
            dirs.push({ name: entry.name, path: childRel, type: TreeNodeType.TREE_NODE_TYPE_DIRECTORY, children: [], truncated: true });
            continue;
          }
          dirs.push(await walk(child, childRel, level + 1, new Set([...ancestors, child.real])));
        }
      }
      const byName = (a: TreeNode, b: TreeNode) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || (a.name < b.name ? -1 : 1);
      node.children = [...dirs.sort(byName), ...files.sort(byName)];
      return node;
    };
    return walk(rootDir, '', 0, new Set([rootDir.real]));
  }

  async read(projectId: string, path: string): Promise<ReadFileResponse> {
    const fs = await this.fs(projectId);
    const target = await fs.resolve(path);
    return mapFsErrors(async () => {
      const info = await fs.stat(target);
      if (info.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_file', 'path is a directory');
      if (!info.isFile()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_file', 'path is not a regular file');
      if (info.size > READ_LIMIT_BYTES)
        throw forgeError(GrpcStatus.RESOURCE_EXHAUSTED, 'file_too_large', `${info.size} > ${READ_LIMIT_BYTES}`);
      const handle = await fs.openRead(target);
      try {
        const data = await handle.readFile();
        if (data.length > READ_LIMIT_BYTES)
          throw forgeError(GrpcStatus.RESOURCE_EXHAUSTED, 'file_too_large', `${data.length} > ${READ_LIMIT_BYTES}`);
        const binary = data.subarray(0, BINARY_SNIFF_BYTES).includes(0);
        return {
          path: target.real,
          content: binary ? '' : data.toString('utf8'),
          size: data.length,
          language: detectLanguage(target.real),
          binary,
        };
      } finally {
        await handle.close();
      }
    });
  }

  async write(projectId: string, path: string, content: string): Promise<{ path: string }> {
    const fs = await this.fs(projectId);
    const target = await fs.resolve(path, { allowRoot: false });
    await mapFsErrors(async () => {
      const existing = await fs.statIfAny(target);
      if (existing?.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_file', 'path is a directory');
      await fs.writeAtomic(target, content ?? '', existing);
    });
    return { path };
  }

  async mkdir(projectId: string, parentPath: string, name: string): Promise<{ path: string }> {
    assertName(name);
    const fs = await this.fs(projectId);
    const parent = await fs.resolve(parentPath);
    const target = await fs.resolve(join(parent.real, name));
    await mapFsErrors(async () => {
      if (!(await fs.stat(parent)).isDirectory())
        throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'parentPath is not a directory');
      await fs.mkdir(target);
    });
    return { path: target.real };
  }

  async rename(projectId: string, path: string, name: string): Promise<{ path: string }> {
    assertName(name);
    const fs = await this.fs(projectId);
    const src = await fs.resolve(path, { allowRoot: false });
    const dest = await fs.resolve(join(fs.parent(src).real, name), { allowRoot: false });
    await mapFsErrors(async () => {
      const from = await fs.lstat(src);
      const existing = await fs.lstatIfAny(dest);
      if (existing && src.entry !== dest.entry) {
        // Same inode under another spelling = a case-only rename on a case-insensitive disk.
        if (existing.ino !== from.ino || existing.dev !== from.dev)
          throw forgeError(GrpcStatus.ALREADY_EXISTS, 'target_exists', 'a file or folder with that name already exists');
        const temp = fs.sibling(src, tempSiblingName(basename(src.entry), 'rename', '.'));
        await fs.rename(src, temp);
        await fs.rename(temp, dest);
        return;
      }
      if (src.entry !== dest.entry) await fs.rename(src, dest);
    });
    return { path: dest.entry };
  }

  async move(projectId: string, srcPath: string, destPath: string): Promise<{ path: string }> {
    const fs = await this.fs(projectId);
    const src = await fs.resolve(srcPath, { allowRoot: false });
    const dest = await fs.resolve(destPath, { allowRoot: false });
    if (isInside(src.entry, dest.entry)) throw invalidName('cannot move a directory into itself');
    await mapFsErrors(async () => {
      await fs.lstat(src);
      if (await fs.lstatIfAny(dest)) throw forgeError(GrpcStatus.ALREADY_EXISTS, 'target_exists', 'the destination already exists');
      if (!(await fs.stat(fs.parent(dest))).isDirectory())
        throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'the destination folder does not exist');
      await fs.rename(src, dest);
    });
    return { path: dest.entry };
  }

  async delete(projectId: string, path: string, recursive: boolean): Promise<void> {
    const fs = await this.fs(projectId);
    const target = await fs.resolve(path, { allowRoot: false });
    await mapFsErrors(async () => {
      const info = await fs.lstat(target);
      if (!info.isDirectory()) return fs.rm(target);
      if (recursive) return fs.rm(target, { recursive: true });
      try {
        await fs.rmdir(target);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST')
          throw forgeError(GrpcStatus.ALREADY_EXISTS, 'directory_not_empty', 'the directory is not empty; pass recursive=true');
        throw err;
      }
    });
  }
}
