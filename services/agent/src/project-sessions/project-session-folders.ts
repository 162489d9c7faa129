// A deleted project's session folder, SESSION_DIR/<projectId>/ (docs/compatibility.md#projects DELETE /projects/:id,
// `cascaded`). The agent service owns SESSION_DIR, so the removal happens here, asked for by the
// gateway after the workspace service dropped the project record.
import { Inject, Injectable } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';
import type { Logger } from 'pino';

/** Ids that are safe to join into a path before an rm -rf (docs/compatibility.md#auth-and-security). */
const SAFE_ID = /^[A-Za-z0-9_-]+$/;

/** The folder removal itself, injectable so a spec can watch what would be removed. */
export type RemoveTree = (path: string) => Promise<void>;
export const REMOVE_TREE = Symbol('REMOVE_TREE');
export const removeTree: RemoveTree = (path) => rm(path, { recursive: true, force: true });

@Injectable()
export class ProjectSessionFolders {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REMOVE_TREE) private readonly remove: RemoveTree,
  ) {}

  /** True when SESSION_DIR/<projectId> is gone afterwards; an unsafe id is refused (false). */
  async removeFor(projectId: string): Promise<boolean> {
    // The id came from projects.json, which is editable by hand: validate it before rm -rf.
    if (typeof projectId !== 'string' || !SAFE_ID.test(projectId) || projectId.startsWith('.')) {
      this.logger.warn({ projectId }, 'project id unsafe for a path; session folder left in place');
      return false;
    }
    const base = resolve(this.config.SESSION_DIR);
    const folder = resolve(base, projectId);
    const rel = relative(base, folder);
    if (!rel || rel.startsWith('..') || rel.includes(sep)) return false;
    try {
      await this.remove(folder);
      return true;
    } catch (err) {
      this.logger.warn({ err, projectId }, 'could not remove the project session folder');
      return false;
    }
  }
}
