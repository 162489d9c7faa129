// The done-when check of "one filesystem door" as a test: outside the door (project-fs) and the
// guard's own realpath/lstat, no module of this service imports node:fs, except the few that read
// the service's own files in FORGE_DATA_DIR and the ripgrep lookup on PATH, each with the exact
// functions it may use. A new direct fs import fails here instead of being safe by habit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** module → node:fs names it may import; '*' = the door itself. */
const ALLOWED: Record<string, string[]> = {
  'paths/project-fs.js': ['*'],
  'paths/path-guard.js': ['lstat', 'realpath'],
  'projects/project-registry.js': ['mkdir', 'readFile', 'stat'], // projects.json (service-owned; stat: its mode for a backup)
  'projects/system-prompt-store.js': ['mkdir', 'readFile'], // system-prompt-overrides.json
  'projects/project-cascade.js': ['readFile'], // *-overrides.json, mcp-stdio-trust.json
  'search/content-search.js': ['accessSync', 'constants'], // finding the rg binary on PATH
};

function modules(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) modules(p, out);
    else if (e.name.endsWith('.js') && !e.name.endsWith('.spec.js')) out.push(p);
  }
  return out;
}

/** The names a compiled module imports from node:fs or node:fs/promises (`*` for namespace/default/require). */
export function fsImports(js: string): string[] {
  const names: string[] = [];
  for (const m of js.matchAll(/import\s+([^'";]*?)\s+from\s*['"](?:node:)?fs(?:\/promises)?['"]/g)) {
    const clause = m[1];
    const braces = /\{([^}]*)\}/.exec(clause);
    if (braces)
      names.push(
        ...braces[1]
          .split(',')
          .map((n) => n.trim().split(/\s+as\s+/)[0])
          .filter(Boolean),
      );
    if (!braces || /^[\w$]+\s*,|\*\s+as/.test(clause)) names.push('*');
  }
  if (/require\(\s*['"](?:node:)?fs(?:\/promises)?['"]\s*\)|import\(\s*['"](?:node:)?fs/.test(js)) names.push('*');
  return names;
}

describe('the workspace filesystem door', () => {
  it('finds fs imports in every form', () => {
    assert.deepEqual(fsImports(`import { readFile, stat as s } from 'node:fs/promises';`), ['readFile', 'stat']);
    assert.deepEqual(fsImports(`import * as fs from "fs";`), ['*']);
    assert.deepEqual(fsImports(`import fs from 'node:fs';`), ['*']);
    assert.deepEqual(fsImports(`const fs = require('node:fs');`), ['*']);
    assert.deepEqual(fsImports(`import { join } from 'node:path';`), []);
  });

  it('no module touches the disk except through the door', () => {
    const found = modules(SRC);
    assert.ok(
      found.some((f) => f.endsWith('project-fs.js')),
      `compiled sources not found under ${SRC}`,
    );
    const offenders: string[] = [];
    for (const file of found) {
      const rel = relative(SRC, file).split('\\').join('/');
      const allowed = ALLOWED[rel] ?? [];
      if (allowed.includes('*')) continue;
      for (const name of fsImports(readFileSync(file, 'utf8'))) if (!allowed.includes(name)) offenders.push(`${rel}: ${name}`);
    }
    assert.deepEqual(offenders, []);
  });
});
