import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { ProjectsListChange } from '@pi-forge/proto/workspace';
import type { Logger } from 'pino';
import { FsDoor } from '../paths/project-fs.js';
import { ProjectRegistry } from './project-registry.js';
import { ProjectsListBackup } from './projects-list-backup.js';
import type { SystemPromptStore } from './system-prompt-store.js';

describe('ProjectsListBackup', () => {
  let base: string;
  let ws: string;
  let file: string;
  let backup: ProjectsListBackup;
  const entry = (id: string, path: string) => ({ id, name: id, path, createdAt: '2026-01-01T00:00:00.000Z' });
  const bytes = (list: unknown) => Buffer.from(`${JSON.stringify(list, null, 2)}\n`);

  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'projects-backup-')));
    ws = join(base, 'ws');
    mkdirSync(join(ws, 'a'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    symlinkSync(join(base, 'outside'), join(ws, 'out'));
    const config = { WORKSPACE_PATH: ws, FORGE_DATA_DIR: join(base, 'data') } as ForgeConfig;
    const door = new FsDoor(config);
    const registry = new ProjectRegistry(config, { warn: () => {} } as unknown as Logger, {} as SystemPromptStore, door);
    backup = new ProjectsListBackup(registry, door);
    file = join(base, 'data', 'projects.json');
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('exports nothing when there is no file', async () => {
    assert.equal((await backup.export()).present, false);
  });

  it('refuses bad lists and writes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ not: 'a list' }, /array/],
      [[{ id: 'x' }], /entry 0/],
      [[entry('a', join(ws, 'a')), entry('a', join(ws, 'b'))], /duplicate id/],
      [[entry('a', join(ws, 'a')), entry('b', join(ws, 'a'))], /duplicate path/],
      [[entry('a', '/etc')], /not inside WORKSPACE_PATH/],
      [[entry('a', join(ws, '..', 'outside'))], /not inside WORKSPACE_PATH/],
      [[entry('a', join(ws, 'out'))], /not inside WORKSPACE_PATH/],
    ];
    for (const [list, reason] of cases) {
      const res = await backup.import(bytes(list), false);
      assert.match(res.error, reason, JSON.stringify(list));
      assert.equal(res.change, ProjectsListChange.PROJECTS_LIST_CHANGE_UNSPECIFIED);
    }
    assert.match((await backup.import(Buffer.from('{'), false)).error, /JSON/);
    assert.equal((await backup.export()).present, false, 'nothing was written');
  });

  it('dry run, then write: the bytes land as given at 0600 and export returns them', async () => {
    const list = bytes([entry('a', join(ws, 'a')), entry('later', join(ws, 'not-yet-created'))]);
    const dry = await backup.import(list, true);
    assert.deepEqual(dry, { change: ProjectsListChange.PROJECTS_LIST_CHANGE_ADDED, error: '' });
    assert.equal((await backup.export()).present, false);
    await backup.import(list, false);
    assert.ok(readFileSync(file).equals(list));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal((await backup.import(list, true)).change, ProjectsListChange.PROJECTS_LIST_CHANGE_UNCHANGED);
    writeFileSync(file, '[]');
    assert.equal((await backup.import(list, true)).change, ProjectsListChange.PROJECTS_LIST_CHANGE_CHANGED);
    const exported = await backup.export();
    assert.deepEqual([exported.present, Buffer.from(exported.content).toString()], [true, '[]']);
  });
});
