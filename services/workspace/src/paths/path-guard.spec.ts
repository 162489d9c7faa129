import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertName, isInside, PathGuard } from './path-guard.js';

const code = (err: unknown) => JSON.parse((err as { getError(): { message: string } }).getError().message).error as string;

describe('PathGuard', () => {
  let base: string;
  let root: string;
  let guard: PathGuard;
  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'path-guard-')));
    root = join(base, 'root');
    mkdirSync(join(root, 'dir'), { recursive: true });
    mkdirSync(join(base, 'root-evil'));
    writeFileSync(join(root, 'dir', 'f.txt'), 'x');
    symlinkSync(join(root, 'dir'), join(root, 'in-link'));
    symlinkSync(base, join(root, 'out-link'));
    symlinkSync(join(base, 'missing'), join(root, 'dangling'));
    symlinkSync(join(root, 'loop2'), join(root, 'loop1'));
    symlinkSync(join(root, 'loop1'), join(root, 'loop2'));
    guard = new PathGuard(root);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('accepts paths inside, existing or not, absolute or relative', async () => {
    assert.equal((await guard.resolve(join(root, 'dir', 'f.txt'))).real, join(root, 'dir', 'f.txt'));
    assert.equal((await guard.resolve('dir/new/deeper.txt')).real, join(root, 'dir', 'new', 'deeper.txt'));
    assert.equal((await guard.resolve(root)).relative, '');
    assert.equal((await guard.resolve('a%20b')).real, join(root, 'a%20b'));
  });

  it('resolves in-root links for reads but keeps the link itself as the entry', async () => {
    const g = await guard.resolve(join(root, 'in-link'));
    assert.equal(g.real, join(root, 'dir'));
    assert.equal(g.entry, join(root, 'in-link'));
  });

  for (const bad of [
    '../x',
    '/etc/passwd',
    'dir/../../x',
    'out-link',
    'out-link/new.txt',
    'dangling',
    'loop1',
    'loop1/x',
    '../root-evil/x',
    'a\0b',
    'dir\\..\\..\\x',
    '..%2fx',
    '%2e%2e/x',
    '..%252fx',
    '..%c0%afx',
    '%2E%2E%5Cx',
    '',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, async () => {
      await assert.rejects(guard.resolve(bad), (err) => code(err) === 'path_not_allowed');
    });
  }

  it('refuses the root where a change to it is asked', async () => {
    await assert.rejects(guard.resolve(root, { allowRoot: false }), (err) => code(err) === 'path_not_allowed');
    await assert.rejects(guard.resolve('dir/..', { allowRoot: false }), (err) => code(err) === 'path_not_allowed');
  });

  it('isInside is not fooled by a shared prefix', () => {
    assert.equal(isInside('/a/root', '/a/root-evil'), false);
    assert.equal(isInside('/a/root', '/a/root/x'), true);
    assert.equal(isInside('/a/root', '/a/root'), true);
  });

  it('assertName takes single segments only', () => {
    for (const ok of ['a', 'a.b', '..a', 'ä b']) assert.doesNotThrow(() => assertName(ok));
    for (const bad of ['', ' ', '.', '..', 'a/b', 'a\\b', 'a\0b', 'x'.repeat(256)]) assert.throws(() => assertName(bad));
  });
});
