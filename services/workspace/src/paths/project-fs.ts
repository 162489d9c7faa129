// The one filesystem door of the workspace service (issue 11 item 4): every read, write, listing
// or removal of a user path happens here, on a GuardedPath that PathGuard proved to be inside the
// root. The root itself is re-proven to be inside WORKSPACE_PATH each time a door is opened (once
// per RPC), so a projects.json edited to point at /etc, or a project folder later replaced by a
// symlink, is refused. Files the service owns (projects.json and friends) are not user paths and
// use the runtime's atomic writes directly.
import { Inject, Injectable } from '@nestjs/common';
import { createReadStream, createWriteStream, type Dirent, type ReadStream, type Stats, type WriteStream } from 'node:fs';
import { chmod, chown, lchown, lstat, mkdir, open, readdir, realpath, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CONFIG, forgeError, GrpcStatus, sandboxIdentity, writeFileAtomic, type ForgeConfig } from '@pi-forge/runtime';
import { isInside, pathNotAllowed, PathGuard, type GuardedPath } from './path-guard.js';

/**
 * Modes for what the service creates: group-writable, so the server and a sandboxed tool identity
 * can both work on them (§5.15). With the sandbox on, new entries are also owned by the tool uid
 * (the group stays the server's), as the original's sandbox does.
 */
export interface CreateModes {
  file: number;
  dir: number;
  ownerUid?: number;
}
export const GROUP_WRITABLE: CreateModes = { file: 0o664, dir: 0o775 };

export class ProjectFs {
  constructor(
    readonly guard: PathGuard,
    private readonly modes: CreateModes = GROUP_WRITABLE,
  ) {}

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

  /** A new file that must not exist yet (upload temp files); call `created` once it is open. */
  newFileStream(p: GuardedPath): WriteStream {
    return createWriteStream(p.entry, { flags: 'wx', mode: this.modes.file });
  }

  /** Gives a file made by newFileStream its mode (the open mode is filtered by the umask) and owner. */
  async created(p: GuardedPath): Promise<void> {
    await chmod(p.entry, this.modes.file);
    await this.own(p.entry);
  }

  /**
   * Atomic write. A new file gets the group-writable mode (and the tool owner); an existing one
   * keeps its mode and owner, which the rename over it would otherwise reset.
   */
  async writeAtomic(p: GuardedPath, content: string, existing?: Stats): Promise<void> {
    await this.mkdirs(this.parent(p));
    await writeFileAtomic(p.real, content, { mode: existing ? existing.mode & 0o7777 : this.modes.file });
    if (existing) await this.restoreOwner(p.real, existing);
    else await this.own(p.real);
  }

  /** One new folder (EEXIST when it is there). */
  async mkdir(p: GuardedPath): Promise<void> {
    await mkdir(p.real, { mode: this.modes.dir });
    await chmod(p.real, this.modes.dir); // mkdir's mode is filtered by the umask
    await this.own(p.real);
  }

  /**
   * With the sandbox on, hands a tree that a program outside the door filled (git clone) to the
   * tool identity: owner the tool uid, group bits like the owner's (rw, x where the owner has x).
   * Links are changed as links and never followed.
   */
  async adoptTree(p: GuardedPath): Promise<void> {
    const uid = this.modes.ownerUid;
    if (uid === undefined) return;
    const visit = async (path: string): Promise<void> => {
      const info = await lstat(path);
      await lchown(path, uid, -1);
      if (info.isSymbolicLink()) return;
      const owner = (info.mode >> 6) & 0o7;
      await chmod(path, (info.mode & 0o7707) | (owner << 3));
      if (info.isDirectory()) for (const e of await readdir(path)) await visit(`${path}/${e}`);
    };
    await visit(p.real);
  }

  private async own(path: string): Promise<void> {
    if (this.modes.ownerUid !== undefined) await chown(path, this.modes.ownerUid, -1);
  }

  private async restoreOwner(path: string, was: Stats): Promise<void> {
    if (process.getuid?.() !== 0) return; // only root can give a file away; others keep their own
    await chown(path, was.uid, was.gid).catch(() => undefined);
  }

  /** A folder and any missing parents, each created one with the group-writable mode. */
  async mkdirs(p: GuardedPath): Promise<void> {
    const first = await mkdir(p.real, { recursive: true, mode: this.modes.dir });
    if (!first) return;
    for (let dir = p.real; isInside(first, dir); dir = dirname(dir)) {
      await chmod(dir, this.modes.dir);
      await this.own(dir);
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
  private readonly modes: CreateModes;

  constructor(@Inject(CONFIG) private readonly config: ForgeConfig) {
    this.modes = { ...GROUP_WRITABLE, ownerUid: sandboxIdentity(config)?.uid };
  }

  private workspaceReal(): Promise<string> {
    return realpath(this.config.WORKSPACE_PATH).catch(() => {
      throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'workspace_missing', 'WORKSPACE_PATH does not exist');
    });
  }

  async workspace(): Promise<ProjectFs> {
    await this.workspaceReal();
    // The configured spelling: relative paths resolve against it, and the guard accepts both it
    // and its realpath as the root.
    return new ProjectFs(new PathGuard(this.config.WORKSPACE_PATH), this.modes);
  }

  /** A project's door; refused when its folder is gone or no longer inside WORKSPACE_PATH. */
  async project(root: string): Promise<ProjectFs> {
    const [workspace, real] = await Promise.all([
      this.workspaceReal(),
      realpath(root).catch(() => {
        throw forgeError(GrpcStatus.NOT_FOUND, 'not_found', 'the project folder is missing');
      }),
    ]);
    if (!isInside(workspace, real)) throw pathNotAllowed('the project folder is outside WORKSPACE_PATH');
    return new ProjectFs(new PathGuard(real), this.modes);
  }
}
