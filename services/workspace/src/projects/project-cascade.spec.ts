import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeProjectEntries } from './project-cascade.js';

describe('removeProjectEntries', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'project-cascade-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('removes the project key from each keyed file that has it, keeps the rest, writes 0600', async () => {
    writeFileSync(join(dir, 'skills-overrides.json'), JSON.stringify({ version: 1, projects: { p1: { enable: ['a'] }, p2: {} } }));
    writeFileSync(join(dir, 'prompts-overrides.json'), JSON.stringify({ projects: { p2: {} } }));
    writeFileSync(join(dir, 'mcp-stdio-trust.json'), '{broken');
    assert.deepEqual(await removeProjectEntries(dir, 'p1'), ['skills-overrides.json']);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'skills-overrides.json'), 'utf8')), { version: 1, projects: { p2: {} } });
    assert.equal(statSync(join(dir, 'skills-overrides.json')).mode & 0o777, 0o600);
    assert.equal(
      readFileSync(join(dir, 'prompts-overrides.json'), 'utf8'),
      JSON.stringify({ projects: { p2: {} } }),
      'a file without the id is not rewritten',
    );
    assert.equal(readFileSync(join(dir, 'mcp-stdio-trust.json'), 'utf8'), '{broken', 'a malformed file is left alone');
  });

  it('does not treat inherited keys as entries', async () => {
    writeFileSync(join(dir, 'prompts-overrides.json'), JSON.stringify({ projects: {} }));
    assert.deepEqual(await removeProjectEntries(dir, 'constructor'), []);
    assert.deepEqual(await removeProjectEntries(dir, '__proto__'), []);
  });
});
