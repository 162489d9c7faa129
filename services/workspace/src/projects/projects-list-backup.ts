// projects.json in a config backup (opt-in): export the file as it is; import only a list whose every
// entry is well formed, whose ids and paths are unique and whose paths stay inside WORKSPACE_PATH
// (a restored list must not register /etc as a project). The bytes are written as given, so an
// exported file comes back byte for byte.
import { Injectable } from '@nestjs/common';
import { ProjectsListChange, type ExportProjectsListResponse, type ImportProjectsListResponse } from '@pi-forge/proto/workspace';
import { FsDoor } from '../paths/project-fs.js';
import { isProject, ProjectRegistry } from './project-registry.js';

/** More than anyone registers; keeps a hostile list from costing a path check per entry forever. */
export const MAX_IMPORTED_PROJECTS = 10_000;

@Injectable()
export class ProjectsListBackup {
  constructor(
    private readonly registry: ProjectRegistry,
    private readonly door: FsDoor,
  ) {}

  async export(): Promise<ExportProjectsListResponse> {
    const file = await this.registry.readFile();
    return file ? { present: true, content: file.content, mode: file.mode } : { present: false, content: Buffer.alloc(0), mode: 0 };
  }

  async import(content: Buffer, dryRun: boolean): Promise<ImportProjectsListResponse> {
    const error = await this.problem(content);
    if (error) return { change: ProjectsListChange.PROJECTS_LIST_CHANGE_UNSPECIFIED, error };
    return this.registry.replaceFile(async (current) => {
      const change = !current
        ? ProjectsListChange.PROJECTS_LIST_CHANGE_ADDED
        : current.equals(content)
          ? ProjectsListChange.PROJECTS_LIST_CHANGE_UNCHANGED
          : ProjectsListChange.PROJECTS_LIST_CHANGE_CHANGED;
      return { result: { change, error: '' }, write: dryRun ? undefined : content };
    });
  }

  /** Why the list cannot be restored, or undefined. */
  private async problem(content: Buffer): Promise<string | undefined> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content.toString('utf8'));
    } catch {
      return 'not valid JSON';
    }
    if (!Array.isArray(parsed)) return 'must be a JSON array of projects';
    if (parsed.length > MAX_IMPORTED_PROJECTS) return `more than ${MAX_IMPORTED_PROJECTS} projects`;
    const ids = new Set<string>();
    const paths = new Set<string>();
    const fs = await this.door.workspace().catch(() => undefined);
    if (!fs) return 'WORKSPACE_PATH does not exist';
    for (const [i, entry] of parsed.entries()) {
      if (!isProject(entry) || !entry.id || !entry.name.trim() || !entry.path) return `entry ${i} is not {id, name, path, createdAt}`;
      if (ids.has(entry.id)) return `entry ${i}: duplicate id ${entry.id}`;
      if (paths.has(entry.path)) return `entry ${i}: duplicate path`;
      ids.add(entry.id);
      paths.add(entry.path);
      if (entry.path.includes('\0')) return `entry ${i}: the path is not inside WORKSPACE_PATH`;
      try {
        await fs.resolve(entry.path, { allowRoot: true });
      } catch {
        return `entry ${i}: the path is not inside WORKSPACE_PATH`;
      }
    }
    return undefined;
  }
}
