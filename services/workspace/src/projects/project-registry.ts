// projects.json in FORGE_DATA_DIR: the list of registered projects in display order.
// Readers treat a missing or empty file as no projects and skip malformed entries (contract §7.1).
import { Inject, Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import type { Project } from '@pi-forge/proto/workspace';

@Injectable()
export class ProjectRegistry {
  private readonly file: string;

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    this.file = join(config.FORGE_DATA_DIR, 'projects.json');
  }

  async list(): Promise<Project[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    if (!text.trim()) return [];
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isProject);
  }

  async get(id: string): Promise<Project | undefined> {
    return (await this.list()).find((p) => p.id === id);
  }
}

function isProject(v: unknown): v is Project {
  const p = v as Partial<Project> | null;
  return !!p && typeof p.id === 'string' && typeof p.name === 'string' && typeof p.path === 'string' && typeof p.createdAt === 'string';
}
