// Git end to end (docs/compatibility.md#files-and-git) against a local bare remote: init, stage, commit, branch,
// push, pull and fetch with the status checked after each step; the hardening that keeps repo
// config from running programs; auth failures; plain folders reported as not a repository.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from '@pi-forge/test-fixtures';
import { createProject, expectError, git, jsonOf, type ProjectBody } from './files-support.js';

interface Status {
  isGitRepo: boolean;
  branch?: string;
  files: { path: string; staged: boolean; unstaged: boolean; kind: string; code: string }[];
}
interface Commit {
  hash: string;
  message: string;
  author: string;
  date: string;
  parents: string[];
  refs: string[];
}

describe('git', () => {
  let stack: Stack;
  let p: ProjectBody;
  let outside: string;
  let bare: string;
  const get = async <T>(route: string, params: Record<string, string> = {}) => {
    const res = await stack.api(`/api/v1/git/${route}?${new URLSearchParams({ projectId: p.id, ...params })}`);
    assert.equal(res.status, 200, `${route}: ${await res.clone().text()}`);
    return jsonOf<T>(res);
  };
  const post = (route: string, json: Record<string, unknown> = {}, projectId = p.id) =>
    stack.api(`/api/v1/git/${route}`, { method: 'POST', json: { projectId, ...json } });
  const ok = async (route: string, json: Record<string, unknown> = {}) => {
    const res = await post(route, json);
    assert.equal(res.status, 200, `${route}: ${await res.clone().text()}`);
    return jsonOf(res);
  };
  const status = () => get<Status>('status');
  const codes = async () => (await status()).files.map((f) => `${f.code}|${f.path}`);

  before(async () => {
    stack = await startStack({ name: 'git', env: { API_KEY: 'test-key-git', RATE_LIMIT_PUSH_MAX: '6' } });
    p = await createProject(stack, 'repo');
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'pi-forge-git-')));
    bare = join(outside, 'remote.git');
    git(outside, 'init', '-q', '--bare', '-b', 'main', bare);
  });
  after(async () => {
    await stack?.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  it('reports a plain folder as not a repository, then initialises it', async () => {
    assert.deepEqual(await status(), { isGitRepo: false, files: [] });
    assert.deepEqual(await get('log'), { isGitRepo: false, commits: [] });
    assert.deepEqual(await get('branches'), { isGitRepo: false, branches: [] });
    await expectError(await post('commit', { message: 'x' }), 400, 'git_failed');
    assert.deepEqual(await ok('init'), { alreadyInitialised: false, isGitRepo: true });
    assert.deepEqual(await ok('init'), { alreadyInitialised: true, isGitRepo: true });
    assert.deepEqual(await status(), { isGitRepo: true, branch: 'main', files: [] });
  });

  it('stages, unstages and commits with a fallback identity when none is configured', async () => {
    writeFileSync(join(p.path, 'a.txt'), 'one\n');
    assert.deepEqual(await codes(), ['??|a.txt']);
    const [untracked] = (await status()).files;
    assert.equal(untracked.kind, 'untracked');
    assert.equal(untracked.staged, false);
    assert.equal(untracked.unstaged, true);
    await ok('stage', { paths: [join(p.path, 'a.txt')] });
    assert.deepEqual(await codes(), ['A |a.txt']);
    assert.match((await get<{ diff: string }>('diff/staged')).diff, /\+one/);
    assert.equal((await get<{ diff: string }>('diff')).diff, '');
    await ok('unstage', { paths: ['a.txt'] });
    assert.deepEqual(await codes(), ['??|a.txt']);
    await ok('stage', { paths: ['a.txt'] });
    await expectError(await post('commit', { message: '   ' }), 400, 'empty_message');
    const { hash } = (await ok('commit', { message: 'first' })) as { hash: string };
    assert.match(hash, /^[0-9a-f]{40}$/);
    assert.deepEqual(await codes(), []);
    const { commits } = await get<{ commits: Commit[] }>('log');
    assert.equal(commits.length, 1);
    assert.deepEqual(
      { ...commits[0], date: '' },
      { hash, message: 'first', author: 'pi-forge', date: '', parents: [], refs: ['HEAD -> main'] },
    );
    await expectError(await post('commit', { message: 'nothing' }), 400, 'git_failed');
  });

  it('diffs one file, and reverts worktree changes', async () => {
    writeFileSync(join(p.path, 'a.txt'), 'one\ntwo\n');
    assert.deepEqual(await codes(), [' M|a.txt']);
    assert.match((await get<{ diff: string }>('diff/file', { path: join(p.path, 'a.txt') })).diff, /\+two/);
    assert.equal((await get<{ diff: string }>('diff/file', { path: 'a.txt', staged: '1' })).diff, '');
    await ok('revert', { paths: ['a.txt'] });
    assert.equal(readFileSync(join(p.path, 'a.txt'), 'utf8'), 'one\n');
    assert.deepEqual(await codes(), []);
  });

  it('pushes to a bare remote and sees the remote ref', async () => {
    await ok('remote/add', { name: 'origin', url: bare });
    const remotes = await get<{ remotes: { name: string; fetchUrl: string; pushUrl: string; insecureTls: boolean }[] }>('remotes');
    assert.deepEqual(remotes.remotes, [{ name: 'origin', fetchUrl: bare, pushUrl: bare, insecureTls: false }]);
    const pushed = (await ok('push', { setUpstream: true })) as { output: string };
    assert.equal(typeof pushed.output, 'string');
    assert.equal(git(bare, 'rev-parse', 'main').trim(), (await get<{ commits: Commit[] }>('log')).commits[0].hash);
    assert.deepEqual(await codes(), []);
    assert.ok((await get<{ commits: Commit[] }>('log')).commits[0].refs.includes('origin/main'));
  });

  it('creates, switches, pushes and deletes branches', async () => {
    await ok('branch/create', { name: 'feature', checkout: true });
    let branches = await get<{ current: string; branches: { name: string; current: boolean; remote: boolean }[] }>('branches');
    assert.equal(branches.current, 'feature');
    assert.deepEqual(
      branches.branches
        .filter((b) => !b.remote)
        .map((b) => `${b.name}${b.current ? '*' : ''}`)
        .sort(),
      ['feature*', 'main'],
    );
    assert.ok(branches.branches.some((b) => b.remote && b.name === 'origin/main'));
    writeFileSync(join(p.path, 'b.txt'), 'feature work\n');
    await ok('stage', { paths: ['b.txt'] });
    await ok('commit', { message: 'feature work' });
    assert.equal((await status()).branch, 'feature');
    await ok('push', { remote: 'origin', branch: 'feature', setUpstream: true });
    assert.match(git(bare, 'branch', '--list'), /feature/);
    await ok('checkout', { branch: 'main' });
    assert.equal((await status()).branch, 'main');
    assert.ok(!existsSync(join(p.path, 'b.txt')));
    // Pushed, so merged into its upstream: a plain delete is allowed.
    assert.equal((await stack.api(`/api/v1/git/branch/feature?projectId=${p.id}`, { method: 'DELETE' })).status, 200);
    await ok('branch/create', { name: 'wip', checkout: true });
    writeFileSync(join(p.path, 'w.txt'), 'unmerged\n');
    await ok('stage', { paths: ['w.txt'] });
    await ok('commit', { message: 'unmerged work' });
    await ok('checkout', { branch: 'main' });
    await expectError(await stack.api(`/api/v1/git/branch/wip?projectId=${p.id}`, { method: 'DELETE' }), 400, 'git_failed');
    assert.equal((await stack.api(`/api/v1/git/branch/wip?projectId=${p.id}&force=true`, { method: 'DELETE' })).status, 200);
    branches = await get('branches');
    assert.deepEqual(
      branches.branches.filter((b) => !b.remote).map((b) => b.name),
      ['main'],
    );
    for (const name of ['-D', 'a..b', 'with space', 'x~1', '']) {
      const res = await post('branch/create', { name });
      assert.equal(res.status, 400, `${name}: ${await res.text()}`);
    }
    await expectError(await post('checkout', { branch: '--orphan' }), 400, 'invalid_branch_name');
  });

  it('fetches and pulls what someone else pushed', async () => {
    const other = join(outside, 'other');
    git(outside, 'clone', '-q', bare, other);
    writeFileSync(join(other, 'c.txt'), 'from elsewhere\n');
    git(other, 'add', 'c.txt');
    git(other, 'commit', '-q', '-m', 'elsewhere');
    git(other, 'push', '-q', 'origin', 'main');
    const fetched = (await ok('fetch', { remote: 'origin', prune: true })) as { output: string };
    assert.equal(typeof fetched.output, 'string');
    assert.ok(!existsSync(join(p.path, 'c.txt')));
    await ok('pull', { remote: 'origin', branch: 'main' });
    assert.equal(readFileSync(join(p.path, 'c.txt'), 'utf8'), 'from elsewhere\n');
    assert.deepEqual(await codes(), []);
    const { commits } = await get<{ commits: Commit[] }>('log', { limit: '2' });
    assert.equal(commits.length, 2);
    assert.equal(commits[0].message, 'elsewhere');
    assert.equal(commits[0].author, 'Test');
    assert.deepEqual(commits[0].parents, [commits[1].hash]);
  });

  it('uses a configured identity when the repository has one', async () => {
    git(p.path, 'config', 'user.name', 'Repo Person');
    git(p.path, 'config', 'user.email', 'repo@example.invalid');
    writeFileSync(join(p.path, 'd.txt'), 'd\n');
    await ok('stage', { paths: ['d.txt'] });
    await ok('commit', { message: 'by repo person' });
    assert.equal((await get<{ commits: Commit[] }>('log', { limit: '1' })).commits[0].author, 'Repo Person');
  });

  it('never runs programs named by repository config (fsmonitor, pager, editor, external diff)', async () => {
    const markers = ['fsmonitor', 'pager', 'editor', 'extdiff'].map((m) => join(outside, `ran-${m}`));
    const [fsm, pager, editor, extdiff] = markers;
    git(p.path, 'config', 'core.fsmonitor', `touch ${fsm}; false`);
    git(p.path, 'config', 'core.pager', `touch ${pager}; cat`);
    git(p.path, 'config', 'core.editor', `touch ${editor}; true`);
    git(p.path, 'config', 'diff.external', `sh -c 'touch ${extdiff}'`);
    writeFileSync(join(p.path, 'a.txt'), 'changed\n');
    await status();
    await get('diff');
    await get('diff/file', { path: 'a.txt' });
    await get('log');
    await get('branches');
    await ok('stage', { paths: ['a.txt'] });
    await get('diff/staged');
    await ok('commit', { message: 'hardened' });
    for (const m of markers) assert.ok(!existsSync(m), `${m} was created: repo config ran a program`);
    // Control: the same repository does run the fsmonitor hook for a plain git call, so the check above can fail.
    git(p.path, 'status');
    assert.ok(existsSync(fsm), 'control: plain git runs core.fsmonitor');
    for (const key of ['core.fsmonitor', 'core.pager', 'core.editor', 'diff.external']) git(p.path, 'config', '--unset', key);
  });

  it('ignores hooks folders, filters and pack commands named by repository config, but runs its own hooks', async () => {
    const evilHooks = join(outside, 'evil-hooks');
    mkdirSync(evilHooks);
    const script = (marker: string) => `#!/bin/sh\ntouch ${marker}\n`;
    const [redirected, own, filtered, uploadpack, receivepack] = ['redirected-hook', 'own-hook', 'filter', 'uploadpack', 'receivepack'].map(
      (m) => join(outside, `ran-${m}`),
    );
    writeFileSync(join(evilHooks, 'pre-commit'), script(redirected), { mode: 0o755 });
    writeFileSync(join(p.path, '.git', 'hooks', 'pre-commit'), script(own), { mode: 0o755 });
    git(p.path, 'config', 'core.hooksPath', evilHooks);
    git(p.path, 'config', 'filter.evil.clean', `touch ${filtered}; cat`);
    git(p.path, 'config', 'remote.origin.uploadpack', `touch ${uploadpack}; git-upload-pack`);
    git(p.path, 'config', 'remote.origin.receivepack', `touch ${receivepack}; git-receive-pack`);
    writeFileSync(join(p.path, '.gitattributes'), '*.txt filter=evil\n');
    writeFileSync(join(p.path, 'f.txt'), 'filtered?\n');
    await status();
    await ok('stage', { paths: ['f.txt', '.gitattributes'] });
    await ok('commit', { message: 'with hooks' });
    await ok('fetch', { remote: 'origin' });
    await ok('pull', { remote: 'origin', branch: 'main' });
    await ok('push', { remote: 'origin', branch: 'main' });
    assert.ok(existsSync(own), "the repository's own pre-commit hook runs (docs/compatibility.md#files-and-git)");
    for (const m of [redirected, filtered, uploadpack, receivepack])
      assert.ok(!existsSync(m), `${m} was created: repo config ran a program`);
    // Control: plain git does follow the redirect.
    git(p.path, 'commit', '--allow-empty', '-q', '-m', 'control');
    assert.ok(existsSync(redirected), 'control: plain git runs the redirected hook');
    for (const key of ['core.hooksPath', 'filter.evil.clean', 'remote.origin.uploadpack', 'remote.origin.receivepack'])
      git(p.path, 'config', '--unset', key);
    rmSync(join(p.path, '.git', 'hooks', 'pre-commit'));
  });

  it('answers git_auth_required when the remote wants credentials', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' });
      res.end('auth required');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      await ok('remote/add', { name: 'private', url: `http://127.0.0.1:${port}/repo.git` });
      const helperRan = join(outside, 'ran-credential-helper');
      git(p.path, 'config', 'credential.helper', `!touch ${helperRan}; true`);
      await expectError(await post('push', { remote: 'private', branch: 'main' }), 400, 'git_auth_required');
      assert.ok(!existsSync(helperRan), 'a credential helper from repository config ran');
      git(p.path, 'config', '--unset', 'credential.helper');
      await expectError(await post('fetch', { remote: 'private' }), 400, 'git_auth_required');
      assert.equal((await stack.api(`/api/v1/git/remote/private?projectId=${p.id}`, { method: 'DELETE' })).status, 200);
      await expectError(await stack.api(`/api/v1/git/remote/private?projectId=${p.id}`, { method: 'DELETE' }), 400, 'git_failed');
    } finally {
      server.close();
    }
  });

  it('stages and unstages single hunks', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    writeFileSync(join(p.path, 'h.txt'), `${lines.join('\n')}\n`);
    await ok('stage', { paths: ['h.txt'] });
    await ok('commit', { message: 'hunk base' });
    const changed = [...lines];
    changed[1] = 'first change';
    changed[35] = 'second change';
    writeFileSync(join(p.path, 'h.txt'), `${changed.join('\n')}\n`);
    assert.deepEqual(await ok('apply-hunks', { path: 'h.txt', mode: 'stage', hunkIndices: [1] }), { ok: true, totalHunks: 2 });
    const staged = (await get<{ diff: string }>('diff/staged')).diff;
    assert.match(staged, /\+second change/);
    assert.doesNotMatch(staged, /first change/);
    assert.match((await get<{ diff: string }>('diff')).diff, /\+first change/);
    assert.deepEqual(await ok('apply-hunks', { path: 'h.txt', mode: 'stage', hunkIndices: [5] }), {
      ok: false,
      error: 'hunk_index_out_of_range',
      totalHunks: 1,
    });
    assert.deepEqual(await ok('apply-hunks', { path: 'h.txt', mode: 'unstage', hunkIndices: [0] }), { ok: true, totalHunks: 1 });
    assert.equal((await get<{ diff: string }>('diff/staged')).diff, '');
    assert.deepEqual(await ok('apply-hunks', { path: 'a.txt', mode: 'unstage', hunkIndices: [0] }), {
      ok: false,
      error: 'no_diff',
      totalHunks: 0,
    });
    await expectError(await post('apply-hunks', { path: 'h.txt', mode: 'sideways', hunkIndices: [0] }), 400, 'validation_failed');
    await expectError(await post('apply-hunks', { path: '../x', mode: 'stage', hunkIndices: [0] }), 403, 'path_not_allowed');
    await ok('revert', { paths: ['h.txt'] });
  });

  it('lists worktrees and toggles TLS verification per remote', async () => {
    const extra = join(outside, 'wt');
    git(p.path, 'worktree', 'add', '-q', '-b', 'wt-branch', extra);
    const { worktrees } = await get<{ worktrees: { path: string; branch?: string; current: boolean; bare: boolean; detached: boolean }[] }>(
      'worktrees',
    );
    assert.deepEqual(
      worktrees.map((w) => `${w.path}|${w.branch}|${w.current}`),
      [`${p.path}|main|true`, `${extra}|wt-branch|false`],
    );
    // Every git route can work in a registered worktree instead of the project folder.
    const inWt = { worktreePath: extra };
    assert.equal((await get<Status>('status', inWt)).branch, 'wt-branch');
    writeFileSync(join(extra, 'wt.txt'), 'worktree file\n');
    assert.deepEqual(
      (await get<Status>('status', inWt)).files.map((f) => `${f.code}|${f.path}`),
      ['??|wt.txt'],
    );
    assert.deepEqual(await codes(), [], 'the project folder does not see it');
    await ok('stage', { paths: [join(extra, 'wt.txt')], ...inWt });
    await ok('commit', { message: 'in the worktree', ...inWt });
    assert.equal((await get<{ commits: Commit[] }>('log', { limit: '1', ...inWt })).commits[0].message, 'in the worktree');
    assert.notEqual((await get<{ commits: Commit[] }>('log', { limit: '1' })).commits[0].message, 'in the worktree');
    await expectError(await post('stage', { paths: [join(p.path, 'a.txt')], ...inWt }), 403, 'path_not_allowed');
    await expectError(
      await stack.api(`/api/v1/git/status?projectId=${p.id}&worktreePath=${encodeURIComponent(outside)}`),
      400,
      'invalid_worktree_path',
    );
    await expectError(await post('commit', { message: 'x', worktreePath: join(outside, 'remote.git') }), 400, 'invalid_worktree_path');
    git(p.path, 'worktree', 'remove', '--force', extra);
    git(p.path, 'branch', '-D', 'wt-branch');
    await ok('remote/tls', { name: 'origin', insecureTls: true });
    let remotes = await get<{ remotes: { name: string; insecureTls: boolean }[] }>('remotes');
    assert.equal(remotes.remotes.find((r) => r.name === 'origin')?.insecureTls, true);
    assert.equal(git(p.path, 'config', '--local', `http.${bare}.sslVerify`).trim(), 'false');
    await ok('remote/tls', { name: 'origin', insecureTls: false });
    remotes = await get('remotes');
    assert.equal(remotes.remotes.find((r) => r.name === 'origin')?.insecureTls, false);
    await expectError(await post('remote/tls', { name: 'nope', insecureTls: true }), 400, 'git_failed');
  });

  it('rate-limits push per client (RATE_LIMIT_PUSH_MAX=6 here)', async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 7 && !limited; i++) {
      const res = await post('push', { remote: 'origin', branch: 'main' });
      if (res.status === 429) limited = res;
      else assert.equal(res.status, 200, await res.text());
    }
    assert.ok(limited, 'no 429 within 7 pushes');
    assert.equal(((await limited.json()) as { statusCode: number }).statusCode, 429);
  });

  it('refuses unknown projects, foreign worktrees and bad bodies', async () => {
    await expectError(await stack.api('/api/v1/git/status?projectId=nope'), 404, 'project_not_found');
    assert.equal((await stack.api(`/api/v1/git/status?projectId=${p.id}&worktreePath=${encodeURIComponent(p.path)}`)).status, 200);
    await expectError(await post('stage', { paths: [] }), 400, 'validation_failed');
    await expectError(await post('stage', { paths: Array.from({ length: 1001 }, (_, i) => `f${i}`) }), 400, 'validation_failed');
  });
});
