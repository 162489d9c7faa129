// The three overrides files in FORGE_DATA_DIR (contract §7.2): skills-overrides.json,
// prompts-overrides.json and tool-overrides.json, 0600, written atomically, each read-modify-write
// serialized on its own queue so concurrent toggles never lose one another. A missing or empty file
// is "no overrides"; a file that is not JSON is an error (config_unreadable) rather than silently
// replaced, so a hand edit gone wrong is never overwritten with an empty document.
import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { ConfigFiles } from '../provider-config/config-files.js';
import { normalizeNameOverridesFile, normalizeToolOverridesFile, type NameOverridesFile, type ToolOverridesFile } from './overrides.js';

export type ResourceKind = 'skills' | 'prompts';

@Injectable()
export class OverridesStore {
  readonly paths: Record<ResourceKind | 'tools', string>;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(CONFIG) config: ForgeConfig,
    private readonly files: ConfigFiles,
  ) {
    this.paths = {
      skills: join(config.FORGE_DATA_DIR, 'skills-overrides.json'),
      prompts: join(config.FORGE_DATA_DIR, 'prompts-overrides.json'),
      tools: join(config.FORGE_DATA_DIR, 'tool-overrides.json'),
    };
  }

  private locked<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(path) ?? Promise.resolve()).then(fn, fn);
    this.queues.set(
      path,
      next.catch(() => undefined),
    );
    return next;
  }

  async readNames(kind: ResourceKind): Promise<NameOverridesFile> {
    return normalizeNameOverridesFile(await this.files.readObject(this.paths[kind]));
  }

  async readTools(): Promise<ToolOverridesFile> {
    return normalizeToolOverridesFile(await this.files.readObject(this.paths.tools));
  }

  /** Applies `change` to the current document and writes the result (0600, atomic). */
  updateNames(kind: ResourceKind, change: (doc: NameOverridesFile) => void): Promise<NameOverridesFile> {
    const path = this.paths[kind];
    return this.locked(path, async () => {
      const doc = await this.readNames(kind);
      change(doc);
      await this.files.writeObject(path, doc as never);
      return doc;
    });
  }

  updateTools(change: (doc: ToolOverridesFile) => void): Promise<ToolOverridesFile> {
    const path = this.paths.tools;
    return this.locked(path, async () => {
      const doc = await this.readTools();
      change(doc);
      await this.files.writeObject(path, doc as never);
      return doc;
    });
  }
}
