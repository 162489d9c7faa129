// `@` path completion (docs/compatibility.md#files-and-git /files/complete): project paths ranked by how well their
// basename matches the query, directories with a trailing slash.
import { Injectable } from '@nestjs/common';
import { ProjectFiles } from '../files/project-files.js';
import { SKIP_DIRS } from '../files/skip-dirs.js';
import type { GuardedPath } from '../paths/path-guard.js';

const MAX_ENTRIES = 50_000;
const MAX_DEPTH = 16;

/** 0 basename equal, 1 basename prefix, 2 basename contains, 3 path contains, -1 no match. */
export function rankPath(path: string, query: string): number {
  const clean = path.endsWith('/') ? path.slice(0, -1) : path;
  const base = clean.slice(clean.lastIndexOf('/') + 1).toLowerCase();
  if (base === query) return 0;
  if (base.startsWith(query)) return 1;
  if (base.includes(query)) return 2;
  if (clean.toLowerCase().includes(query)) return 3;
  return -1;
}

@Injectable()
export class PathCompletion {
  constructor(private readonly files: ProjectFiles) {}

  async complete(projectId: string, query: string, limit: number): Promise<string[]> {
    const fs = await this.files.fs(projectId);
    const max = Math.min(200, Math.max(1, limit || 50));
    const q = (query ?? '').toLowerCase();
    const all: string[] = [];
    const walk = async (dir: GuardedPath, rel: string, depth: number): Promise<void> => {
      if (depth > MAX_DEPTH || all.length >= MAX_ENTRIES) return;
      const entries = await fs.readdir(dir).catch(() => []);
      for (const e of entries) {
        if (SKIP_DIRS.has(e.name)) continue;
        const path = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          all.push(`${path}/`);
          await walk(await fs.child(dir, e.name, e), path, depth + 1);
        } else if (e.isFile() || e.isSymbolicLink()) all.push(path);
        if (all.length >= MAX_ENTRIES) return;
      }
    };
    await walk(await fs.root(), '', 0);
    if (!q) return all.sort().slice(0, max);
    return all
      .map((path) => ({ path, rank: rankPath(path, q) }))
      .filter((r) => r.rank >= 0)
      .sort((a, b) => a.rank - b.rank || a.path.length - b.path.length || (a.path < b.path ? -1 : 1))
      .slice(0, max)
      .map((r) => r.path);
  }
}
