// Per-project system-prompt addenda (docs/compatibility.md#projects; stored in system-prompt-overrides.json): text the
// agent appends to its system prompt for new sessions of a project. The agent service reads the
// same file; this service owns writing it (atomic, 0600, one lock).
import { Inject, Injectable } from '@nestjs/common';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CONFIG, forgeError, GrpcStatus, writeJsonAtomic, type ForgeConfig } from '@pi-forge/runtime';

export const ADDENDUM_MAX_BYTES = 20_000;
const UNSAFE_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

@Injectable()
export class SystemPromptStore {
  private readonly file: string;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    this.file = join(config.FORGE_DATA_DIR, 'system-prompt-overrides.json');
  }

  private async read(): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    let parsed: unknown;
    try {
      const text = await readFile(this.file, 'utf8');
      parsed = text.trim() ? JSON.parse(text) : {};
    } catch {
      return map; // missing or malformed: no addenda (docs/compatibility.md#on-disk-files)
    }
    const projects = (parsed as { projects?: unknown })?.projects;
    if (projects && typeof projects === 'object') {
      for (const [id, text] of Object.entries(projects)) if (!UNSAFE_KEYS.has(id) && typeof text === 'string') map.set(id, text);
    }
    return map;
  }

  async get(projectId: string): Promise<string> {
    return (await this.read()).get(projectId) ?? '';
  }

  /** Stores the addendum; blank text removes the entry. */
  async set(projectId: string, addendum: string): Promise<string> {
    const text = typeof addendum === 'string' ? addendum : '';
    if (Buffer.byteLength(text, 'utf8') > ADDENDUM_MAX_BYTES) {
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'addendum_too_large', `addendum is larger than ${ADDENDUM_MAX_BYTES} bytes`);
    }
    const stored = text.trim() ? text : '';
    await this.update((map) => (stored ? map.set(projectId, stored) : map.delete(projectId)));
    return stored;
  }

  /** Project delete cascade. */
  async remove(projectId: string): Promise<void> {
    if ((await this.read()).has(projectId)) await this.update((map) => map.delete(projectId));
  }

  private update(change: (map: Map<string, string>) => unknown): Promise<void> {
    const run = this.lock.then(async () => {
      const map = await this.read();
      change(map);
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await writeJsonAtomic(this.file, { projects: Object.fromEntries(map) }, { mode: 0o600 });
    });
    this.lock = run.catch(() => undefined);
    return run;
  }
}
