// The one filesystem door of the workspace service (issue 11 item 4): every read, write, listing
// or removal of a user path happens here, on a GuardedPath that PathGuard proved to be inside the
// root. The root itself is re-proven to be inside WORKSPACE_PATH each time a door is opened (once
// per RPC), so a projects.json edited to point at /etc, or a project folder later replaced by a
// symlink, is refused. Files the service owns (projects.json and friends) are not user paths and
// use the runtime's atomic writes directly.
import { Inject, Injectable } from '@nestjs/common';
import { createReadStream, createWriteStream, type Dirent, type ReadStream, type Stats, type WriteStream } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, realpath, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CONFIG, forgeError, GrpcStatus, writeFileAtomic, type ForgeConfig } from '@pi-forge/runtime';
import { isInside, pathNotAllowed, PathGuard, type GuardedPath } from './path-guard.js';

/** Modes for what the service creates; group-writable so a sandboxed tool identity can work too (§5.15). */
export interface CreateModes { file: number; dir: number }
export const GROUP_WRITABLE: CreateModes = { file: 0o664, dir: 0o775 };

export class ProjectFs {
  constructor(readonly guard: PathGuard, private readonly modes: CreateModes = GROUP_WRITABLE) {}

  /** The real root path. */
  rootPath(): Promise<string> {
    return this.guard.rootPath();
  }

  resolve(input: string, options?: { allowRoot?: boolean }): Promise<GuardedPath> {
    return this.guard.resolve(input, options);
  }

  root(): Promise<GuardedPath> {
    return this.guard.resolve(this.guard.root);
  }

  child(dir: GuardedPath, name: string, entry?: Dirent): Promise<GuardedPath> {
    return this.guard.child(dir, name, entry);
  }

  sibling(of: GuardedPath, name: string): GuardedPath {
    return this.guard.sibling(of, name);
  }

  parent(of: GuardedPath): GuardedPath {
    return this.guard.parent(of);
  }

  /** What the path points at. */
  stat(p: GuardedPath): Promise<Stats> {
    return stat(p.real);
  }

  /** The entry itself (a link stays a link). */
  lstat(p: GuardedPath): Promise<Stats> {
    return lstat(p.entry);
  }

  /** lstat or undefined when nothing is there. */
  lstatIfAny(p: GuardedPath): Promise<Stats | undefined> {
    return lstat(p.entry).catch(() => undefined);
  }

  statIfAny(p: GuardedPath): Promise<Stats | undefined> {
    return stat(p.real).catch(() => undefined);
  }

  readdir(p: GuardedPath): Promise<Dirent[]> {
    return readdir(p.real, { withFileTypes: true });
  }

  openRead(p: GuardedPath): Promise<FileHandle> {
    return open(p.real, 'r');
  }

  readStream(p: GuardedPath, highWaterMark: number): ReadStream {
    return createReadStream(p.real, { highWaterMark });
  }

  /** A new file that must not exist yet (upload temp files). */
  newFileStream(p: GuardedPath): WriteStream {
    return createWriteStream(p.entry, { flags: 'wx', mode: this.modes.file });
  }

  /** Atomic write; a new file gets the group-writable mode, an existing one keeps its mode. */
  async writeAtomic(p: GuardedPath, content: string, keepMode?: number): Promise<void> {
    await this.mkdirs(this.parent(p));
    await writeFileAtomic(p.real, content, { mode: keepMode ?? this.modes.file });
  }

  /** One new folder (EEXIST when it is there). */
  async mkdir(p: GuardedPath): Promise<void> {
    await mkdir(p.real, { mode: this.modes.dir });
    await chmod(p.real, this.modes.dir); // mkdir's mode is filtered by the umask
  }

  /** A folder and any missing parents, each created one with the group-writable mode. */
  async mkdirs(p: GuardedPath): Promise<void> {
    const first = await mkdir(p.real, { recursive: true, mode: this.modes.dir });
    if (!first) return;
    for (let dir = p.real; isInside(first, dir); dir = dirname(dir)) {
      await chmod(dir, this.modes.dir);
      if (dir === first) break;
    }
  }

  rename(from: GuardedPath, to: GuardedPath): Promise<void> {
    return rename(from.entry, to.entry);
  }

  /** Removes the entry (a link is removed as a link); `force` ignores a missing one. */
  rm(p: GuardedPath, options: { recursive?: boolean; force?: boolean } = {}): Promise<void> {
    if (p.entry === p.root) return Promise.reject(pathNotAllowed('the root itself cannot be removed'));
    return rm(p.entry, options);
  }

  rmdir(p: GuardedPath): Promise<void> {
    if (p.entry === p.root) return Promise.reject(pathNotAllowed('the root itself cannot be removed'));
    return rmdir(p.entry);
  }
}

/** Opens doors: on WORKSPACE_PATH itself (folder picker, clone, project create) or on a project root. */
@Injectable()
export class FsDoor {
  constructor(@Inject(CONFIG) private readonly config: ForgeConfig) {}

  private workspaceReal(): Promise<string> {
    return realpath(this.config.WORKSPACE_PATH).catch(() => { throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'workspace_missing', 'WORKSPACE_PATH does not exist'); });
  }

  async workspace(): Promise<ProjectFs> {
    await this.workspaceReal();
    // The configured spelling: relative paths resolve against it, and the guard accepts both it
    // and its realpath as the root.
    return new ProjectFs(new PathGuard(this.config.WORKSPACE_PATH));
  }

  /** A project's door; refused when its folder is gone or no longer inside WORKSPACE_PATH. */
  async project(root: string): Promise<ProjectFs> {
    const [workspace, real] = await Promise.all([
      this.workspaceReal(),
      realpath(root).catch(() => { throw forgeError(GrpcStatus.NOT_FOUND, 'not_found', 'the project folder is missing'); }),
    ]);
    if (!isInside(workspace, real)) throw pathNotAllowed('the project folder is outside WORKSPACE_PATH');
    return new ProjectFs(new PathGuard(real));
  }
}
