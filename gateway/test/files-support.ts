// Helpers shared by the workspace end-to-end tests (projects, files, traversal, search, git).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from '@pi-forge/test-fixtures';

export interface ProjectBody {
  id: string;
  name: string;
  path: string;
  createdAt: string;
}

/** Makes a folder in the stack's workspace and registers it through the API. */
export async function createProject(stack: Stack, name: string): Promise<ProjectBody> {
  const folder = join(stack.dirs.workspace, name);
  mkdirSync(folder, { recursive: true });
  const res = await stack.api('/api/v1/projects', { method: 'POST', json: { name, path: folder } });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as ProjectBody;
}

export async function jsonOf<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** Asserts status and error code of an error response. */
export async function expectError(res: Response, status: number, error?: string): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, status, `expected ${status}${error ? ` ${error}` : ''}, got ${res.status}: ${text}`);
  if (error) assert.equal((JSON.parse(text) as { error: string }).error, error, text);
}

/** Git for test set-up, with an identity (CI machines have none) and no user config surprises. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A fingerprint of every entry under a folder (content hash, link target, type), to prove nothing changed. */
export function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) hash.update(`L ${p} -> ${readlinkSync(p)}\n`);
      else if (st.isDirectory()) {
        hash.update(`D ${p} ${st.mode}\n`);
        walk(p);
      } else hash.update(`F ${p} ${st.mode} ${createHash('sha256').update(readFileSync(p)).digest('hex')}\n`);
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** Reads a whole SSE response into its `data:` JSON events. */
export async function sseEvents(res: Response): Promise<Record<string, unknown>[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .map((frame) =>
      frame
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n'),
    )
    .filter(Boolean)
    .map((d) => JSON.parse(d) as Record<string, unknown>);
}
