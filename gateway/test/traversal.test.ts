// The path-traversal corpus (docs/compatibility.md#auth-and-security) against every file route, the git path routes and
// the project routes: each case must end in 400 or 403, and nothing outside the project may
// change (fingerprints of the neighbouring folders before and after).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from '@pi-forge/test-fixtures';
import { createProject, fingerprint, git, type ProjectBody } from './files-support.js';

interface Case {
  name: string;
  path: string;
  /** Also outside WORKSPACE_PATH, so project routes must refuse it too. */
  outsideWorkspace: boolean;
  /** Points at a real system folder: only used on routes that do not write. */
  readOnly?: boolean;
}

describe('path traversal corpus', () => {
  let watchedBefore: string[];
  let passwdBefore: string;
  const watched = () => [outside, join(ws, 'victim'), join(ws, 'proj-evil')];
  let stack: Stack;
  let p: ProjectBody;
  let ws: string;
  let outside: string;
  let cases: Case[];

  before(async () => {
    stack = await startStack({
      name: 'traversal',
      env: { API_KEY: 'test-key-traversal', RATE_LIMIT_UPLOAD_MAX: '10000', RATE_LIMIT_SEARCH_MAX: '10000' },
    });
    ws = realpathSync(stack.dirs.workspace);
    p = await createProject(stack, 'proj');
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'pi-forge-outside-')));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    mkdirSync(join(outside, 'sub'));
    writeFileSync(join(outside, 'sub', 'deep.txt'), 'deep');
    mkdirSync(join(ws, 'victim'));
    writeFileSync(join(ws, 'victim', 'file.txt'), 'victim');
    mkdirSync(join(ws, 'proj-evil'));
    writeFileSync(join(ws, 'proj-evil', 'x'), 'evil');
    writeFileSync(join(p.path, 'README.md'), 'readme');
    mkdirSync(join(p.path, 'src'));
    git(p.path, 'init', '-q', '-b', 'main');
    symlinkSync('/etc', join(p.path, 'etc-link'));
    symlinkSync('/', join(p.path, 'root-link'));
    symlinkSync(outside, join(p.path, 'parent-link'));
    symlinkSync('../victim', join(p.path, 'victim-link'));
    symlinkSync('../../../../../../../../..', join(p.path, 'rel-escape'));
    symlinkSync(join(outside, 'not-yet.txt'), join(p.path, 'dangling-out'));
    symlinkSync(join(p.path, 'loop-b'), join(p.path, 'loop-a'));
    symlinkSync(join(p.path, 'loop-a'), join(p.path, 'loop-b'));
    symlinkSync(outside, join(ws, 'ws-out-link'));

    const P = p.path;
    cases = [
      { name: 'relative ../', path: '../victim/file.txt', outsideWorkspace: false },
      { name: 'absolute via ..', path: `${P}/../victim/file.txt`, outsideWorkspace: false },
      { name: 'deep ../ chain', path: `${P}/src/../../victim/file.txt`, outsideWorkspace: false },
      { name: 'dot segments', path: `${P}/./../victim/file.txt`, outsideWorkspace: false },
      { name: 'project parent', path: `${P}/..`, outsideWorkspace: false },
      { name: 'bare ..', path: '..', outsideWorkspace: false },
      { name: 'bare ../', path: '../', outsideWorkspace: false },
      { name: 'sibling with shared prefix', path: `${P}-evil/x`, outsideWorkspace: false },
      { name: 'sibling via ..', path: `${P}/../proj-evil/x`, outsideWorkspace: false },
      { name: 'many ../ to outside', path: `${P}/../../../../../../../../..${outside}/secret.txt`, outsideWorkspace: true },
      { name: 'absolute outside', path: `${outside}/secret.txt`, outsideWorkspace: true },
      { name: 'absolute outside folder', path: `${outside}/sub`, outsideWorkspace: true },
      { name: 'absolute /etc/passwd', path: '/etc/passwd', outsideWorkspace: true, readOnly: true },
      { name: '/etc/../etc', path: '/etc/../etc/passwd', outsideWorkspace: true, readOnly: true },
      { name: 'double slash root', path: '//etc/passwd', outsideWorkspace: true, readOnly: true },
      { name: '/proc/self/root', path: '/proc/self/root/etc/passwd', outsideWorkspace: true, readOnly: true },
      { name: 'tilde escape', path: '~/../../secret.txt', outsideWorkspace: false },
      { name: 'encoded slash', path: '..%2fvictim%2ffile.txt', outsideWorkspace: false },
      { name: 'encoded dots', path: '%2e%2e/victim/file.txt', outsideWorkspace: false },
      { name: 'encoded dots upper case', path: '%2E%2E%2Fvictim', outsideWorkspace: false },
      { name: 'double encoded slash', path: '..%252fvictim%252ffile.txt', outsideWorkspace: false },
      { name: 'double encoded dots', path: '%252e%252e%252fvictim', outsideWorkspace: false },
      { name: 'encoded backslash', path: '..%5cvictim%5cfile.txt', outsideWorkspace: false },
      { name: 'overlong utf-8 slash', path: '..%c0%afvictim', outsideWorkspace: false },
      { name: 'encoded NUL', path: `${P}/README.md%00.png`, outsideWorkspace: false },
      { name: 'NUL byte', path: `${P}/README.md\0.png`, outsideWorkspace: false },
      { name: 'NUL then ..', path: `${P}/\0../../victim`, outsideWorkspace: false },
      { name: 'windows separators', path: '..\\victim\\file.txt', outsideWorkspace: false },
      { name: 'windows absolute', path: 'C:\\Windows\\system32\\drivers\\etc\\hosts', outsideWorkspace: false },
      { name: 'mixed separators', path: `${P}\\..\\victim/file.txt`, outsideWorkspace: false },
      { name: 'UNC path', path: '\\\\server\\share\\x', outsideWorkspace: false },
      { name: 'symlink to /etc', path: `${P}/etc-link`, outsideWorkspace: true, readOnly: true },
      { name: 'through symlink to /etc', path: `${P}/etc-link/passwd`, outsideWorkspace: true, readOnly: true },
      { name: 'symlink to /', path: `${P}/root-link/etc/hostname`, outsideWorkspace: true, readOnly: true },
      { name: 'symlinked parent folder', path: `${P}/parent-link/secret.txt`, outsideWorkspace: true },
      { name: 'new file under symlinked parent', path: `${P}/parent-link/new.txt`, outsideWorkspace: true },
      { name: 'symlinked parent itself', path: `${P}/parent-link`, outsideWorkspace: true },
      { name: 'deeper under symlinked parent', path: `${P}/parent-link/sub/deep.txt`, outsideWorkspace: true },
      { name: 'relative symlink to sibling', path: `${P}/victim-link/file.txt`, outsideWorkspace: false },
      { name: 'relative symlink escaping', path: `${P}/rel-escape${outside}/secret.txt`, outsideWorkspace: true },
      { name: 'dangling symlink pointing out', path: `${P}/dangling-out`, outsideWorkspace: true },
      { name: 'symlink loop', path: `${P}/loop-a`, outsideWorkspace: false },
      { name: 'through symlink loop', path: `${P}/loop-a/x`, outsideWorkspace: false },
      { name: 'workspace-level link out', path: `${ws}/ws-out-link/secret.txt`, outsideWorkspace: true },
    ];
    assert.ok(cases.length >= 40, `the corpus shrank to ${cases.length} cases`);
    // What every test below compares against: the folders around the project, before any attack.
    watchedBefore = watched().map(fingerprint);
    passwdBefore = readFileSync('/etc/passwd', 'utf8');
  });
  after(async () => {
    await stack?.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  const refused = async (label: string, res: Response) => {
    const text = await res.text();
    assert.ok(res.status === 403 || res.status === 400, `${label}: expected 400/403, got ${res.status} ${text}`);
    const body = JSON.parse(text) as { error: string };
    assert.ok(typeof body.error === 'string' && !text.includes('secret') && !text.includes('root:x:'), `${label}: ${text}`);
  };

  // One test per route, each walking the whole corpus; the last test proves nothing outside changed.
  const q = (o: Record<string, string>) => new URLSearchParams({ projectId: p.id, ...o }).toString();
  const routes: { name: string; writes: boolean; call: (x: string) => Promise<Response> }[] = [
    { name: 'GET /files/read', writes: false, call: (x) => stack.api(`/api/v1/files/read?${q({ path: x })}`) },
    { name: 'GET /files/download', writes: false, call: (x) => stack.api(`/api/v1/files/download?${q({ path: x })}`) },
    { name: 'GET /git/diff/file', writes: false, call: (x) => stack.api(`/api/v1/git/diff/file?${q({ path: x })}`) },
    {
      name: 'PUT /files/write',
      writes: true,
      call: (x) => stack.api('/api/v1/files/write', { method: 'PUT', json: { projectId: p.id, path: x, content: 'pwned' } }),
    },
    {
      name: 'POST /files/mkdir (parentPath)',
      writes: true,
      call: (x) => stack.api('/api/v1/files/mkdir', { method: 'POST', json: { projectId: p.id, parentPath: x, name: 'pwned' } }),
    },
    {
      name: 'POST /files/rename',
      writes: true,
      call: (x) => stack.api('/api/v1/files/rename', { method: 'POST', json: { projectId: p.id, path: x, name: 'pwned' } }),
    },
    {
      name: 'POST /files/move (src)',
      writes: true,
      call: (x) => stack.api('/api/v1/files/move', { method: 'POST', json: { projectId: p.id, src: x, dest: `${p.path}/moved` } }),
    },
    {
      name: 'POST /files/move (dest)',
      writes: true,
      call: (x) => stack.api('/api/v1/files/move', { method: 'POST', json: { projectId: p.id, src: `${p.path}/README.md`, dest: x } }),
    },
    {
      name: 'DELETE /files/delete',
      writes: true,
      call: (x) => stack.api(`/api/v1/files/delete?${q({ path: x, recursive: 'true' })}`, { method: 'DELETE' }),
    },
    {
      name: 'POST /files/upload (parentPath)',
      writes: true,
      call: (x) => {
        const form = new FormData();
        form.append('projectId', p.id);
        form.append('parentPath', x);
        form.append('file', new Blob(['pwned']), 'pwned.txt');
        return stack.api('/api/v1/files/upload', { method: 'POST', body: form });
      },
    },
    {
      name: 'POST /git/stage',
      writes: true,
      call: (x) => stack.api('/api/v1/git/stage', { method: 'POST', json: { projectId: p.id, paths: [x] } }),
    },
    {
      name: 'POST /git/revert',
      writes: true,
      call: (x) => stack.api('/api/v1/git/revert', { method: 'POST', json: { projectId: p.id, paths: [x] } }),
    },
  ];
  for (const route of routes) {
    it(`${route.name} refuses every case and changes nothing outside the project`, async () => {
      for (const c of cases) {
        if (route.writes && c.readOnly) continue;
        await refused(`${route.name} [${c.name}] ${JSON.stringify(c.path)}`, await route.call(c.path));
      }
      assert.deepEqual(watched().map(fingerprint), watchedBefore, `${route.name} changed files outside the project`);
    });
  }

  it('upload file names that climb out are refused too', async () => {
    const before = fingerprint(join(ws, 'victim'));
    for (const rel of ['../victim/pwned.txt', '../../x', '/abs', 'a/../../victim/x', '..\\victim\\x', 'a/\0/b']) {
      const form = new FormData();
      form.append('projectId', p.id);
      form.append('parentPath', p.path);
      form.append('path:0', rel);
      form.append('file:0', new Blob(['pwned']), 'x.txt');
      await refused(`upload path ${JSON.stringify(rel)}`, await stack.api('/api/v1/files/upload', { method: 'POST', body: form }));
    }
    assert.equal(fingerprint(join(ws, 'victim')), before);
  });

  it('the project routes refuse every case that leaves the workspace', async () => {
    const watched = [outside];
    const before = watched.map(fingerprint);
    const escaping = cases.filter((c) => c.outsideWorkspace || /\0|\\|%/.test(c.path));
    assert.ok(escaping.length >= 20);
    for (const c of escaping) {
      const label = (route: string) => `${route} [${c.name}]`;
      await refused(
        label('create project'),
        await stack.api('/api/v1/projects', { method: 'POST', json: { name: 'pwned', path: c.path } }),
      );
      await refused(label('browse'), await stack.api(`/api/v1/projects/browse?path=${encodeURIComponent(c.path)}`));
      if (c.readOnly) continue;
      await refused(
        label('browse/mkdir'),
        await stack.api('/api/v1/projects/browse/mkdir', { method: 'POST', json: { parentPath: c.path, name: 'pwned' } }),
      );
      await refused(
        label('clone'),
        await stack.api('/api/v1/projects/clone', {
          method: 'POST',
          json: { url: 'file:///nonexistent', parentPath: c.path, folderName: 'pwned', projectName: 'x' },
        }),
      );
    }
    assert.deepEqual(watched.map(fingerprint), before);
    const list = (await (await stack.api('/api/v1/projects')).json()) as { projects: ProjectBody[] };
    assert.deepEqual(
      list.projects.map((x) => x.id),
      [p.id],
    );
  });

  it('left every file outside the project unchanged', () => {
    assert.deepEqual(watched().map(fingerprint), watchedBefore, 'files outside the project changed');
    assert.equal(readFileSync('/etc/passwd', 'utf8'), passwdBefore);
    assert.equal(readFileSync(join(p.path, 'README.md'), 'utf8'), 'readme', 'the move source stayed put');
  });
});
