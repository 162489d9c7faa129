import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandAtPaths } from './at-path.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'at-path-')));
const project = join(root, 'project');
mkdirSync(join(project, 'src'), { recursive: true });
writeFileSync(join(project, 'src', 'a.ts'), 'const a = 1;\n');
writeFileSync(join(project, 'notes with space.md'), 'has ``` fence\n');
writeFileSync(join(project, 'bin.dat'), Buffer.from([1, 0, 2]));
writeFileSync(join(project, 'big.txt'), 'x'.repeat(200 * 1024));
writeFileSync(join(root, 'secret.txt'), 'outside\n');
symlinkSync(join(root, 'secret.txt'), join(project, 'link.txt'));

test('inlines small files as fenced blocks and normalizes directories', async () => {
  const out = await expandAtPaths('look at @src/a.ts and @src please', project);
  assert.equal(out, 'look at @src/a.ts and @src/ please\n\n```ts file: src/a.ts\nconst a = 1;\n```');
});

test('quoted paths, fence-safe blocks', async () => {
  const out = await expandAtPaths('read @"notes with space.md"', project);
  assert.ok(out.endsWith('````md file: notes with space.md\nhas ``` fence\n````'), out);
});

test('outside the project (also through a symlink) and binary files are marked, never read', async () => {
  const out = await expandAtPaths('see @../secret.txt @link.txt @bin.dat', project);
  assert.equal(
    out,
    'see [@../secret.txt not included: outside the project] [@link.txt not included: outside the project] [@bin.dat not included: binary file]',
  );
});

test('unknown names and big files stay as typed', async () => {
  assert.equal(
    await expandAtPaths('mail me@example.com or @nobody, and @big.txt', project),
    'mail me@example.com or @nobody, and @big.txt',
  );
});

test('with the sandbox path policy, a reference it refuses is marked and not read', async () => {
  const asked: string[] = [];
  const out = await expandAtPaths('see @src/a.ts', project, async (real) => {
    asked.push(real);
    return false;
  });
  assert.equal(out, 'see [@src/a.ts not included: outside the project]');
  assert.deepEqual(asked, [join(project, 'src', 'a.ts')]);
});
