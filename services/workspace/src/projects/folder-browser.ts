// The folder picker: lists and creates folders inside WORKSPACE_PATH. Goes through the same
// PathGuard as file operations (stricter than the contract's lexical check: symlinks that lead
// out of the workspace are refused too). All disk access goes through the workspace's FsDoor.
import { Injectable } from '@nestjs/common';
import { dirname, join } from 'node:path';
import { forgeError, GrpcStatus } from '@pi-forge/runtime';
import type { BrowseFoldersResponse } from '@pi-forge/proto/workspace';
import { assertName } from '../paths/path-guard.js';
import { fsError } from '../paths/fs-errors.js';
import { FsDoor } from '../paths/project-fs.js';

@Injectable()
export class FolderBrowser {
  constructor(private readonly door: FsDoor) {}

  async browse(path: string): Promise<BrowseFoldersResponse> {
    const fs = await this.door.workspace();
    const target = path ? await fs.resolve(path) : await fs.root();
    const info = await fs.stat(target).catch((err) => {
      throw fsError(err);
    });
    if (!info.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'path is not a directory');
    const dirents = await fs.readdir(target).catch((err) => {
      throw fsError(err);
    });
    const entries = [];
    for (const d of dirents) {
      if (d.name.startsWith('.')) continue;
      // A link is listed only when what it points at is a folder inside the workspace.
      const child = await fs.child(target, d.name, d).catch(() => undefined);
      const isDir = !!child && (d.isDirectory() || (d.isSymbolicLink() && !!(await fs.statIfAny(child))?.isDirectory()));
      if (!child || !isDir) continue;
      const git = await fs.child(child, '.git').catch(() => undefined);
      const isGitRepo = !!git && !!(await fs.statIfAny(git));
      entries.push({ name: d.name, path: join(target.real, d.name), isGitRepo });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { path: target.real, parentPath: target.real === target.root ? '' : dirname(target.real), entries };
  }

  async mkdir(parentPath: string, name: string): Promise<{ path: string }> {
    assertName(name, 'invalid_directory_name');
    const fs = await this.door.workspace();
    const parent = parentPath ? await fs.resolve(parentPath) : await fs.root();
    const info = await fs.stat(parent).catch((err) => {
      throw fsError(err);
    });
    if (!info.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'parent is not a directory');
    const target = await fs.child(parent, name);
    try {
      await fs.mkdir(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw forgeError(GrpcStatus.ALREADY_EXISTS, 'already_exists', 'a file or folder with that name already exists');
      throw fsError(err);
    }
    return { path: target.real };
  }
}
