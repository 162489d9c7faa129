// What else a project delete removes (docs/compatibility.md#projects): the project's entry in the per-project
// override files that other features keep in FORGE_DATA_DIR. Each file is `{projects: {<id>: …}}`;
// a missing or malformed file is left alone, and a changed one is rewritten atomically, 0600.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '@pi-forge/runtime';

export const PROJECT_KEYED_FILES = ['skills-overrides.json', 'prompts-overrides.json', 'mcp-stdio-trust.json'] as const;

/** Removes `projects[projectId]` from each file that has it; returns the files changed. */
export async function removeProjectEntries(dataDir: string, projectId: string): Promise<string[]> {
  const changed: string[] = [];
  for (const name of PROJECT_KEYED_FILES) {
    const file = join(dataDir, name);
    let parsed: { projects?: Record<string, unknown> } & Record<string, unknown>;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      continue;
    }
    const projects = parsed?.projects;
    if (!projects || typeof projects !== 'object' || !Object.prototype.hasOwnProperty.call(projects, projectId)) continue;
    delete projects[projectId];
    await writeJsonAtomic(file, parsed, { mode: 0o600 });
    changed.push(name);
  }
  return changed;
}
