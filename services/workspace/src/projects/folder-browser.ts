// The folder picker: lists and creates folders inside WORKSPACE_PATH. Goes through the same
// PathGuard as file operations (stricter than the contract's lexical check: symlinks that lead
// out of the workspace are refused too).
import { Injectable } from '@nestjs/common';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { forgeError, GrpcStatus } from '@pi-forge/runtime';
import type { BrowseFoldersResponse } from '@pi-forge/proto/workspace';
import { assertName, PathGuard } from '../paths/path-guard.js';
import { fsError } from '../paths/fs-errors.js';
import { ProjectRegistry } from './project-registry.js';

@Injectable()
export class FolderBrowser {
  constructor(private readonly projects: ProjectRegistry) {}

  private async guard(): Promise<PathGuard> {
    return new PathGuard(await this.projects.workspaceRoot());
  }

  async browse(path: string): Promise<BrowseFoldersResponse> {
    const guard = await this.guard();
    const target = await guard.resolve(path || guard.root);
    const info = await stat(target.real).catch((err) => { throw fsError(err); });
    if (!info.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'path is not a directory');
    const dirents = await readdir(target.real, { withFileTypes: true }).catch((err) => { throw fsError(err); });
    const entries = [];
    for (const d of dirents) {
      if (d.name.startsWith('.')) continue;
      const full = join(target.real, d.name);
      const isDir = d.isDirectory() || (d.isSymbolicLink() && (await guard.resolve(full).then((g) => stat(g.real)).then((s) => s.isDirectory()).catch(() => false)));
      if (!isDir) continue;
      const isGitRepo = await stat(join(full, '.git')).then(() => true, () => false);
      entries.push({ name: d.name, path: full, isGitRepo });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { path: target.real, parentPath: target.real === target.root ? '' : dirname(target.real), entries };
  }

  async mkdir(parentPath: string, name: string): Promise<{ path: string }> {
    assertName(name, 'invalid_directory_name');
    const guard = await this.guard();
    const parent = await guard.resolve(parentPath || guard.root);
    const info = await stat(parent.real).catch((err) => { throw fsError(err); });
    if (!info.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'parent is not a directory');
    const target = await guard.resolve(join(parent.real, name));
    try {
      await mkdir(target.real);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw forgeError(GrpcStatus.ALREADY_EXISTS, 'already_exists', 'a file or folder with that name already exists');
      throw fsError(err);
    }
    return { path: target.real };
  }
}
