// projects.json in FORGE_DATA_DIR: the list of registered projects in display order.
// Readers treat a missing or empty file as no projects and skip malformed entries (docs/compatibility.md#on-disk-files);
// every read-modify-write runs under one in-process lock and lands with an atomic rename.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CONFIG, forgeError, GrpcStatus, LOGGER, writeJsonAtomic, type ForgeConfig } from '@pi-forge/runtime';
import type { Project } from '@pi-forge/proto/workspace';
import type { Logger } from 'pino';
import { FsDoor } from '../paths/project-fs.js';
import { SystemPromptStore } from './system-prompt-store.js';
import { removeProjectEntries } from './project-cascade.js';

export function projectNotFound() {
  return forgeError(GrpcStatus.NOT_FOUND, 'project_not_found', 'no project with that id');
}

function invalidProjectName() {
  return forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_name', 'name must not be blank (1..200 characters)');
}

function cleanName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed || trimmed.length > 200) throw invalidProjectName();
  return trimmed;
}

@Injectable()
export class ProjectRegistry {
  private readonly file: string;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly prompts: SystemPromptStore,
    private readonly door: FsDoor,
  ) {
    this.file = join(config.FORGE_DATA_DIR, 'projects.json');
  }

  /**
   * The parsed file with the stat it was read at. Every call stats the file and re-reads it only
   * when inode, size, mtime or ctime moved, so `GET /projects` costs one stat while hand edits
   * (or another process's atomic rename) still show up on the very next call.
   */
  private cache: { key: string; projects: Project[] } | undefined;

  async list(): Promise<Project[]> {
    let key: string;
    try {
      const st = await stat(this.file, { bigint: true });
      key = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    if (this.cache?.key !== key) this.cache = { key, projects: await this.read() };
    return this.cache.projects.map((p) => ({ ...p }));
  }

  private async read(): Promise<Project[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    if (!text.trim()) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.logger.warn({ err, file: this.file }, 'projects.json is not valid JSON; treating it as empty');
      return [];
    }
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isProject).map(({ id, name, path, createdAt }) => ({ id, name, path, createdAt }));
  }

  async get(id: string): Promise<Project | undefined> {
    return (await this.list()).find((p) => p.id === id);
  }

  /** The project or NOT_FOUND project_not_found. */
  async require(id: string): Promise<Project> {
    const project = typeof id === 'string' && id ? await this.get(id) : undefined;
    if (!project) throw projectNotFound();
    return project;
  }

  /** Registers an existing folder inside the workspace; relative paths resolve against WORKSPACE_PATH. */
  async create(name: string, path: string): Promise<Project> {
    const display = cleanName(name);
    if (typeof path !== 'string' || !path || path.includes('\0'))
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'path is not a directory');
    // Containment first (403 path_not_allowed for `../../etc`, `/etc` or a link leading out, even
    // when the target does not exist), then the folder check.
    const fs = await this.door.workspace();
    const target = await fs.resolve(path);
    if (!(await fs.statIfAny(target))?.isDirectory())
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'path is not a directory');
    const real = target.real;
    return this.mutate((projects) => {
      if (projects.some((p) => p.path === real))
        throw forgeError(GrpcStatus.ALREADY_EXISTS, 'duplicate_path', 'a project with that path already exists');
      const project: Project = { id: randomUUID(), name: display, path: real, createdAt: new Date().toISOString() };
      return { projects: [...projects, project], result: project };
    });
  }

  async rename(id: string, name: string): Promise<Project> {
    const display = cleanName(name);
    return this.mutate((projects) => {
      const project = projects.find((p) => p.id === id);
      if (!project) throw projectNotFound();
      project.name = display;
      return { projects, result: project };
    });
  }

  async reorder(ids: string[]): Promise<Project[]> {
    return this.mutate((projects) => {
      const byId = new Map(projects.map((p) => [p.id, p]));
      const unique = new Set(ids);
      if (ids.length !== projects.length || unique.size !== ids.length || ids.some((id) => !byId.has(id))) {
        throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_project_order', 'ids must contain every project id exactly once');
      }
      const ordered = ids.map((id) => byId.get(id)!);
      return { projects: ordered, result: ordered };
    });
  }

  /** Removes the record, its addendum and override entries. The session folder is the agent service's (DeleteProjectSessions). */
  async delete(id: string): Promise<{ cascaded: boolean }> {
    await this.mutate((projects) => {
      const index = projects.findIndex((p) => p.id === id);
      if (index === -1) throw projectNotFound();
      return { projects: projects.filter((_, i) => i !== index), result: undefined };
    });
    await this.prompts
      .remove(id)
      .catch((err: unknown) => this.logger.warn({ err, projectId: id }, 'could not remove the project system-prompt addendum'));
    await removeProjectEntries(this.config.FORGE_DATA_DIR, id).catch((err: unknown) =>
      this.logger.warn({ err, projectId: id }, 'could not remove the project override entries'),
    );
    return { cascaded: false };
  }

  private mutate<T>(change: (projects: Project[]) => { projects: Project[]; result: T }): Promise<T> {
    const run = this.lock.then(async () => {
      const { projects, result } = change(await this.list());
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await writeJsonAtomic(this.file, projects, { mode: 0o600 });
      return result;
    });
    this.lock = run.catch(() => undefined);
    return run;
  }
}

function isProject(v: unknown): v is Project {
  const p = v as Partial<Project> | null;
  return !!p && typeof p.id === 'string' && typeof p.name === 'string' && typeof p.path === 'string' && typeof p.createdAt === 'string';
}
