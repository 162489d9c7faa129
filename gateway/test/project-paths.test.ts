// Project path containment (docs/compatibility.md#projects): a `path` that resolves outside WORKSPACE_PATH
// is 403 path_not_allowed on create, browse, mkdir and clone alike, whether it climbs out
// (`../../etc`), is absolute, or leads out through a symlink; existing or not. A project whose
// folder is later swapped for a link out of the workspace is refused on its next file call.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startStack, type Stack } from '@pi-forge/test-fixtures';
import { expectError, fingerprint, git, jsonOf, type ProjectBody } from './files-support.js';

describe('project paths stay inside WORKSPACE_PATH', () => {
  let stack: Stack;
  let ws: string;
  let outside: string;
  let outsidePrint: string;
  let source: string;
  let escapes: Record<string, string>;

  before(async () => {
    stack = await startStack({ name: 'project-paths', env: { API_KEY: 'test-key-project-paths' } });
    ws = realpathSync(stack.dirs.workspace);
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'pi-forge-outside-')));
    mkdirSync(join(outside, 'victim'));
    writeFileSync(join(outside, 'victim', 'secret.txt'), 'secret');
    source = join(outside, 'source');
    mkdirSync(source);
    git(source, 'init', '-q', '-b', 'main');
    writeFileSync(join(source, 'r.txt'), 'r');
    git(source, 'add', 'r.txt');
    git(source, 'commit', '-q', '-m', 'r');
    mkdirSync(join(ws, 'inside'));
    symlinkSync(outside, join(ws, 'link-out'));
    symlinkSync('../../../../../../../../../../etc', join(ws, 'rel-link-etc'));
    mkdirSync(join(ws, 'inside', 'deeper'));
    symlinkSync(join(outside, 'victim'), join(ws, 'inside', 'deeper', 'victim-link'));
    outsidePrint = fingerprint(outside);
    const up = relative(ws, '/');
    escapes = {
      'relative ../../etc': '../../etc',
      'relative climbing to /etc': `${up}/etc`,
      'relative ../ to a missing folder': '../not-there',
      'absolute /etc': '/etc',
      'absolute outside folder': outside,
      'absolute missing outside folder': join(outside, 'missing'),
      'workspace/..': join(ws, '..'),
      'dot-dot after a real folder': join(ws, 'inside', '..', '..'),
      'symlink out': join(ws, 'link-out'),
      'through a symlink out': join(ws, 'link-out', 'victim'),
      'missing folder under a symlink out': join(ws, 'link-out', 'new-folder'),
      'relative symlink to /etc': join(ws, 'rel-link-etc'),
      'nested symlink out': join(ws, 'inside', 'deeper', 'victim-link'),
      'relative through a symlink': 'link-out/victim',
    };
  });
  after(async () => {
    await stack?.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  it('POST /projects refuses each escape with 403 and registers nothing', async () => {
    for (const [what, path] of Object.entries(escapes)) {
      await expectError(await stack.api('/api/v1/projects', { method: 'POST', json: { name: what, path } }), 403, 'path_not_allowed');
    }
    assert.deepEqual((await jsonOf<{ projects: unknown[] }>(await stack.api('/api/v1/projects'))).projects, []);
    // Control: inside works, relative too, and the stored path is the realpath.
    const res = await stack.api('/api/v1/projects', { method: 'POST', json: { name: 'inside', path: 'inside' } });
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal((await jsonOf<ProjectBody>(res)).path, join(ws, 'inside'));
  });

  it('GET /projects/browse refuses each escape with 403', async () => {
    for (const [what, path] of Object.entries(escapes)) {
      const res = await stack.api(`/api/v1/projects/browse?path=${encodeURIComponent(path)}`);
      await expectError(res, 403, 'path_not_allowed').catch((err: Error) => {
        throw new Error(`${what}: ${err.message}`);
      });
    }
    const root = await jsonOf<{ entries: { name: string }[] }>(await stack.api('/api/v1/projects/browse'));
    assert.ok(!root.entries.some((e) => e.name === 'link-out' || e.name === 'rel-link-etc'), 'links out are listed');
  });

  it('POST /projects/browse/mkdir refuses each escape with 403 and creates nothing outside', async () => {
    for (const [what, parentPath] of Object.entries(escapes)) {
      const res = await stack.api('/api/v1/projects/browse/mkdir', { method: 'POST', json: { parentPath, name: 'planted' } });
      await expectError(res, 403, 'path_not_allowed').catch((err: Error) => {
        throw new Error(`${what}: ${err.message}`);
      });
    }
    assert.equal(fingerprint(outside), outsidePrint);
  });

  it('POST /projects/clone refuses each escape with 403 before the stream, and clones nothing outside', async () => {
    for (const [what, parentPath] of Object.entries(escapes)) {
      const res = await stack.api('/api/v1/projects/clone', {
        method: 'POST',
        json: { url: pathToFileURL(source).href, parentPath, folderName: 'planted', projectName: 'planted' },
      });
      assert.match(res.headers.get('content-type') ?? '', /json/, `${what}: answered as a stream`);
      await expectError(res, 403, 'path_not_allowed').catch((err: Error) => {
        throw new Error(`${what}: ${err.message}`);
      });
    }
    assert.equal(fingerprint(outside), outsidePrint);
    assert.ok(!readdirSync(ws).includes('planted'));
  });

  it('refuses a registered project whose folder was swapped for a link out of the workspace', async () => {
    mkdirSync(join(ws, 'swapped'));
    writeFileSync(join(ws, 'swapped', 'mine.txt'), 'mine');
    const res = await stack.api('/api/v1/projects', { method: 'POST', json: { name: 'swapped', path: join(ws, 'swapped') } });
    const p = await jsonOf<ProjectBody>(res);
    const read = (path: string) => stack.api(`/api/v1/files/read?projectId=${p.id}&path=${encodeURIComponent(path)}`);
    assert.equal((await read('mine.txt')).status, 200);
    renameSync(join(ws, 'swapped'), join(ws, 'swapped-away'));
    symlinkSync(join(outside, 'victim'), join(ws, 'swapped'));
    await expectError(await read('secret.txt'), 403, 'path_not_allowed');
    await expectError(await stack.api(`/api/v1/files/tree?projectId=${p.id}`), 403, 'path_not_allowed');
    const write = await stack.api('/api/v1/files/write', { method: 'PUT', json: { projectId: p.id, path: 'planted.txt', content: 'x' } });
    await expectError(write, 403, 'path_not_allowed');
    assert.equal(readFileSync(join(outside, 'victim', 'secret.txt'), 'utf8'), 'secret');
    assert.deepEqual(readdirSync(join(outside, 'victim')), ['secret.txt']);
  });
});
