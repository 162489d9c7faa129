// File operations with a fake project registry in front of a real door on a temp workspace.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import type { Project } from '@pi-forge/proto/workspace';
import { FsDoor } from '../paths/project-fs.js';
import { projectNotFound, type ProjectRegistry } from '../projects/project-registry.js';
import { ProjectFiles, READ_LIMIT_BYTES } from './project-files.js';

const code = (err: unknown) => JSON.parse((err as { getError(): { message: string } }).getError().message).error as string;

describe('ProjectFiles', () => {
  let base: string;
  let root: string;
  let files: ProjectFiles;
  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'project-files-')));
    root = join(base, 'ws', 'p');
    mkdirSync(join(root, 'dir', 'sub'), { recursive: true });
    mkdirSync(join(root, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(root, 'dir', 'a.ts'), 'export {};\n');
    writeFileSync(join(root, 'bin'), Buffer.from([1, 0, 2]));
    mkdirSync(join(base, 'outside'));
    symlinkSync(join(base, 'outside'), join(root, 'out-link'));
    symlinkSync(join(root, 'dir'), join(root, 'dir-link'));
    const project: Project = { id: 'p1', name: 'p', path: root, createdAt: '' };
    const registry = {
      require: async (id: string) => {
        if (id !== 'p1') throw projectNotFound();
        return project;
      },
    } as unknown as ProjectRegistry;
    files = new ProjectFiles(registry, new FsDoor({ WORKSPACE_PATH: join(base, 'ws') } as ForgeConfig));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('lists the tree without noise folders or links out, following links inside', async () => {
    const tree = await files.tree('p1', 0);
    const names = tree.children.map((c) => c.name);
    assert.deepEqual(names, ['dir', 'dir-link', 'bin']);
    assert.deepEqual(
      tree.children[1].children.map((c) => c.name),
      ['sub', 'a.ts'],
    );
    await assert.rejects(files.tree('nope', 0), (e) => code(e) === 'project_not_found');
  });

  it('reads text with a language, flags binary, refuses folders', async () => {
    const r = await files.read('p1', 'dir/a.ts');
    assert.equal(r.content, 'export {};\n');
    assert.equal(r.language, 'typescript');
    assert.equal((await files.read('p1', 'bin')).binary, true);
    await assert.rejects(files.read('p1', 'dir'), (e) => code(e) === 'not_a_file');
    await assert.rejects(files.read('p1', 'missing'), (e) => code(e) === 'not_found');
    writeFileSync(join(root, 'big'), Buffer.alloc(READ_LIMIT_BYTES + 1));
    await assert.rejects(files.read('p1', 'big'), (e) => code(e) === 'file_too_large');
  });

  it('writes atomically, keeping an existing mode, and refuses the root and links out', async () => {
    await files.write('p1', 'new/deep/f.txt', 'hi');
    assert.equal(readFileSync(join(root, 'new', 'deep', 'f.txt'), 'utf8'), 'hi');
    chmodSync(join(root, 'new', 'deep', 'f.txt'), 0o640);
    await files.write('p1', 'new/deep/f.txt', 'again');
    assert.equal(statSync(join(root, 'new', 'deep', 'f.txt')).mode & 0o777, 0o640);
    await assert.rejects(files.write('p1', 'out-link/planted', 'x'), (e) => code(e) === 'path_not_allowed');
    await assert.rejects(files.write('p1', '', 'x'), (e) => code(e) === 'path_not_allowed');
    await assert.rejects(files.write('p1', 'dir', 'x'), (e) => code(e) === 'not_a_file');
    assert.equal(existsSync(join(base, 'outside', 'planted')), false);
  });

  it('makes, renames, moves and deletes with the contract codes', async () => {
    await files.mkdir('p1', 'dir', 'made');
    await assert.rejects(files.mkdir('p1', 'dir', 'made'), (e) => code(e) === 'target_exists');
    await assert.rejects(files.mkdir('p1', 'dir', '../x'), (e) => code(e) === 'invalid_name');
    await files.rename('p1', 'dir/made', 'renamed');
    assert.ok(existsSync(join(root, 'dir', 'renamed')));
    await assert.rejects(files.rename('p1', 'dir/renamed', 'sub'), (e) => code(e) === 'target_exists');
    await assert.rejects(files.move('p1', 'dir', 'dir/sub/inside'), (e) => code(e) === 'invalid_name');
    await files.move('p1', 'dir/renamed', 'moved');
    assert.ok(existsSync(join(root, 'moved')));
    await assert.rejects(files.delete('p1', 'dir', false), (e) => code(e) === 'directory_not_empty');
    await files.delete('p1', 'moved', false);
    await files.delete('p1', 'dir-link', false); // the link goes, its target stays
    assert.ok(existsSync(join(root, 'dir', 'a.ts')));
    await assert.rejects(files.delete('p1', '.', true), (e) => code(e) === 'path_not_allowed');
    await assert.rejects(files.delete('p1', root, true), (e) => code(e) === 'path_not_allowed');
    // A link leading out is refused as a whole, even for delete (the guard proves where it points).
    await assert.rejects(files.delete('p1', 'out-link', false), (e) => code(e) === 'path_not_allowed');
    assert.ok(existsSync(join(base, 'outside')));
  });
});
