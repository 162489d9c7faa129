import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import type { Logger } from 'pino';
import { FsDoor } from '../paths/project-fs.js';
import { ProjectRegistry } from './project-registry.js';
import type { SystemPromptStore } from './system-prompt-store.js';

const code = (err: unknown) => JSON.parse((err as { getError(): { message: string } }).getError().message).error as string;

describe('ProjectRegistry', () => {
  let base: string;
  let ws: string;
  let data: string;
  const removedPrompts: string[] = [];
  const warnings: string[] = [];
  let registry: ProjectRegistry;

  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'project-registry-')));
    ws = join(base, 'ws');
    data = join(base, 'data');
    for (const d of ['a', 'b', 'c']) mkdirSync(join(ws, d), { recursive: true });
    mkdirSync(join(base, 'outside'));
    symlinkSync(join(base, 'outside'), join(ws, 'out'));
    writeFileSync(join(ws, 'file.txt'), 'x');
    const config = { WORKSPACE_PATH: ws, FORGE_DATA_DIR: data } as ForgeConfig;
    const logger = {
      warn: (_o: unknown, msg: string) => {
        warnings.push(msg);
      },
    } as unknown as Logger;
    const prompts = {
      remove: async (id: string) => {
        removedPrompts.push(id);
      },
    } as unknown as SystemPromptStore;
    registry = new ProjectRegistry(config, logger, prompts, new FsDoor(config));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('treats a missing, empty or malformed projects.json as no projects', async () => {
    assert.deepEqual(await registry.list(), []);
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'projects.json'), '');
    assert.deepEqual(await registry.list(), []);
    writeFileSync(join(data, 'projects.json'), '{not json');
    assert.deepEqual(await registry.list(), []);
    assert.ok(warnings.some((w) => /not valid JSON/.test(w)));
    writeFileSync(
      join(data, 'projects.json'),
      JSON.stringify([{ id: 'x' }, { id: 'ok', name: 'n', path: '/p', createdAt: 't', extra: 1 }]),
    );
    assert.deepEqual(await registry.list(), [{ id: 'ok', name: 'n', path: '/p', createdAt: 't' }]);
    rmSync(join(data, 'projects.json'));
  });

  it('serves repeated lists from its cache yet sees a hand edit of the same size at once, and hands out copies', async () => {
    mkdirSync(data, { recursive: true });
    const file = join(data, 'projects.json');
    const entry = (name: string) => ({ id: 'h1', name, path: '/p', createdAt: 't' });
    writeFileSync(file, JSON.stringify([entry('aaaa')]));
    const first = await registry.list();
    first[0]!.name = 'mutated by a caller';
    assert.equal((await registry.list())[0]!.name, 'aaaa');
    // Same length, written in place (same inode): only mtime/ctime tell the edit apart.
    writeFileSync(file, JSON.stringify([entry('bbbb')]));
    assert.equal((await registry.list())[0]!.name, 'bbbb');
    rmSync(file);
    assert.deepEqual(await registry.list(), []);
  });

  it('creates projects from absolute or relative paths, stored as realpaths, trimmed names', async () => {
    const a = await registry.create('  A  ', join(ws, 'a'));
    const b = await registry.create('B', 'b');
    assert.equal(a.name, 'A');
    assert.equal(b.path, join(ws, 'b'));
    assert.deepEqual(
      JSON.parse(readFileSync(join(data, 'projects.json'), 'utf8')).map((p: { id: string }) => p.id),
      [a.id, b.id],
    );
  });

  it('refuses bad input with the contract codes', async () => {
    await assert.rejects(registry.create(' ', 'c'), (e) => code(e) === 'invalid_name');
    await assert.rejects(registry.create('x'.repeat(201), 'c'), (e) => code(e) === 'invalid_name');
    await assert.rejects(registry.create('x', 'missing'), (e) => code(e) === 'not_a_directory');
    await assert.rejects(registry.create('x', 'file.txt'), (e) => code(e) === 'not_a_directory');
    for (const path of ['../..', '/etc', 'out', join(base, 'outside'), '../missing'])
      await assert.rejects(registry.create('x', path), (e) => code(e) === 'path_not_allowed', path);
    await assert.rejects(registry.create('dup', 'a'), (e) => code(e) === 'duplicate_path');
  });

  it('keeps every project when many are created at once', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `many-${i}`);
    for (const n of names) mkdirSync(join(ws, n));
    await Promise.all(names.map((n) => registry.create(n, n)));
    const listed = (await registry.list()).map((p) => p.name);
    for (const n of names) assert.ok(listed.includes(n), n);
  });

  it('renames, reorders (every id exactly once) and reports unknown ids', async () => {
    const all = await registry.list();
    assert.equal((await registry.rename(all[0].id, ' renamed ')).name, 'renamed');
    await assert.rejects(registry.rename('nope', 'x'), (e) => code(e) === 'project_not_found');
    const reversed = all.map((p) => p.id).reverse();
    assert.deepEqual(
      (await registry.reorder(reversed)).map((p) => p.id),
      reversed,
    );
    await assert.rejects(registry.reorder(reversed.slice(1)), (e) => code(e) === 'invalid_project_order');
    await assert.rejects(registry.reorder([...reversed.slice(1), reversed[1]]), (e) => code(e) === 'invalid_project_order');
    await assert.rejects(registry.require(''), (e) => code(e) === 'project_not_found');
  });

  it('deletes the record and cascades to the addendum and override entries, never to the session folder', async () => {
    const [first] = await registry.list();
    writeFileSync(join(data, 'skills-overrides.json'), JSON.stringify({ projects: { [first.id]: { enable: [] }, other: {} } }));
    assert.deepEqual(await registry.delete(first.id), { cascaded: false });
    assert.ok(!(await registry.list()).some((p) => p.id === first.id));
    assert.deepEqual(removedPrompts, [first.id]);
    assert.deepEqual(JSON.parse(readFileSync(join(data, 'skills-overrides.json'), 'utf8')), { projects: { other: {} } });
    await assert.rejects(registry.delete(first.id), (e) => code(e) === 'project_not_found');
  });
});
