import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { FsDoor } from './project-fs.js';

const code = (err: unknown) => JSON.parse((err as { getError(): { message: string } }).getError().message).error as string;

describe('FsDoor and ProjectFs', () => {
  let base: string;
  let ws: string;
  let door: FsDoor;
  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'project-fs-')));
    ws = join(base, 'ws');
    mkdirSync(join(ws, 'p'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(base, 'outside', 'secret'), 's');
    door = new FsDoor({ WORKSPACE_PATH: ws } as ForgeConfig);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('opens a project inside the workspace and refuses roots outside it', async () => {
    assert.equal(await (await door.project(join(ws, 'p'))).rootPath(), join(ws, 'p'));
    await assert.rejects(door.project(join(base, 'outside')), (e) => code(e) === 'path_not_allowed');
    await assert.rejects(door.project(base), (e) => code(e) === 'path_not_allowed');
    await assert.rejects(door.project(join(ws, 'missing')), (e) => code(e) === 'not_found');
  });

  it('re-checks the root on every open: a folder swapped for a link out is refused', async () => {
    mkdirSync(join(ws, 'swap'));
    await door.project(join(ws, 'swap'));
    renameSync(join(ws, 'swap'), join(ws, 'swap-old'));
    symlinkSync(join(base, 'outside'), join(ws, 'swap'));
    await assert.rejects(door.project(join(ws, 'swap')), (e) => code(e) === 'path_not_allowed');
  });

  it('creates group-writable files and folders whatever the umask', async () => {
    const old = process.umask(0o077);
    try {
      const fs = await door.project(join(ws, 'p'));
      await fs.mkdirs(await fs.resolve('a/b/c'));
      for (const d of ['a', 'a/b', 'a/b/c']) assert.equal(statSync(join(ws, 'p', d)).mode & 0o777, 0o775, d);
      await fs.mkdir(await fs.resolve('single'));
      assert.equal(statSync(join(ws, 'p', 'single')).mode & 0o777, 0o775);
      await fs.writeAtomic(await fs.resolve('n/new.txt'), 'x');
      assert.equal(statSync(join(ws, 'p', 'n', 'new.txt')).mode & 0o777, 0o664);
      assert.equal(statSync(join(ws, 'p', 'n')).mode & 0o777, 0o775);
    } finally {
      process.umask(old);
    }
  });

  it('never removes the root and only derives names inside checked folders', async () => {
    const fs = await door.project(join(ws, 'p'));
    const root = await fs.root();
    await assert.rejects(fs.rm(root, { recursive: true }), (e) => code(e) === 'path_not_allowed');
    await assert.rejects(fs.rmdir(root), (e) => code(e) === 'path_not_allowed');
    assert.throws(
      () => fs.parent(root),
      (e) => code(e) === 'path_not_allowed',
    );
    const file = await fs.resolve('n/new.txt');
    assert.equal(fs.sibling(file, 'x.tmp').entry, join(ws, 'p', 'n', 'x.tmp'));
    for (const bad of ['../x', 'a/b', '..', '']) assert.throws(() => fs.sibling(file, bad), bad);
    await assert.rejects(fs.child(root, '..'));
  });

  it('follows an in-folder link as a child only when it stays inside', async () => {
    symlinkSync(join(base, 'outside'), join(ws, 'p', 'out-link'));
    symlinkSync(join(ws, 'p', 'a'), join(ws, 'p', 'in-link'));
    const fs = await door.project(join(ws, 'p'));
    const root = await fs.root();
    const entries = new Map((await fs.readdir(root)).map((d) => [d.name, d]));
    await assert.rejects(fs.child(root, 'out-link', entries.get('out-link')), (e) => code(e) === 'path_not_allowed');
    assert.equal((await fs.child(root, 'in-link', entries.get('in-link'))).real, join(ws, 'p', 'a'));
  });
});
