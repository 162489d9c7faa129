// Repository config cannot make pi-forge's git run a program (issue 12.3), attacked through the
// HTTP API against real git: each program-valued key is set in a file the repository INCLUDES
// (include.path, which `git config --local --list` does not expand) or in .git/config itself,
// then the git routes that would run it are called. The program would create a marker file;
// none may appear. Controls show plain git does run each one, so the tests can fail.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startStack, type Stack } from '@pi-forge/test-fixtures';
import { createProject, git, type ProjectBody } from './files-support.js';

describe('git: repository config cannot run programs', () => {
  let stack: Stack;
  let p: ProjectBody;
  let outside: string;
  let included: string;

  const api = (method: string, route: string, json?: Record<string, unknown>, query: Record<string, string> = {}) =>
    stack.api(
      `/api/v1/git/${route}?${new URLSearchParams(method === 'GET' ? { projectId: p.id, ...query } : {})}`,
      method === 'GET' ? {} : { method, json: { projectId: p.id, ...json } },
    );
  const ok = async (method: string, route: string, json?: Record<string, unknown>, query?: Record<string, string>) => {
    const res = await api(method, route, json, query);
    const text = await res.text();
    assert.equal(res.status, 200, `${route}: ${text}`);
    return JSON.parse(text) as Record<string, any>;
  };
  /** A script that leaves a marker, then behaves like `cat` (filters) or fails (gpg, proxies). */
  const hostile = (name: string, tail = 'cat') => {
    const script = join(outside, `${name}.sh`);
    writeFileSync(script, `#!/bin/sh\ntouch ${join(outside, `ran-${name}`)}\n${tail}\n`, { mode: 0o755 });
    return script;
  };
  const ran = (name: string) => existsSync(join(outside, `ran-${name}`));
  /** Writes the included file (git config syntax) that .git/config pulls in. */
  const include = (text: string) => writeFileSync(included, text);

  before(async () => {
    stack = await startStack({ name: 'git-config-guard', env: { API_KEY: 'test-key-git-config-guard' } });
    p = await createProject(stack, 'guarded');
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'pi-forge-gitguard-')));
    included = join(outside, 'included.cfg');
    include('');
    git(p.path, 'init', '-q', '-b', 'main');
    writeFileSync(join(p.path, 'base.txt'), 'base\n');
    git(p.path, 'add', 'base.txt');
    git(p.path, 'commit', '-q', '-m', 'base');
    git(p.path, 'config', 'include.path', included);
  });
  after(async () => {
    await stack?.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  it('a clean filter reached through include.path runs on neither status, stage, diff nor commit', async () => {
    include(`[filter "evil"]\n\tclean = ${hostile('filter')}\n\tsmudge = ${hostile('smudge')}\n`);
    writeFileSync(join(p.path, '.gitattributes'), '*.txt filter=evil\n');
    writeFileSync(join(p.path, 'base.txt'), 'changed\n');
    await ok('GET', 'status');
    await ok('GET', 'diff');
    await ok('GET', 'diff/file', undefined, { path: 'base.txt' });
    await ok('POST', 'stage', { paths: ['base.txt', '.gitattributes'] });
    await ok('GET', 'diff/staged');
    await ok('POST', 'commit', { message: 'filtered?' });
    assert.ok(!ran('filter') && !ran('smudge'), 'the included filter ran');
    // Control: plain git runs it.
    writeFileSync(join(p.path, 'base.txt'), 'changed again\n');
    git(p.path, 'add', 'base.txt');
    assert.ok(ran('filter'), 'control: plain git runs the included clean filter');
    git(p.path, 'commit', '-q', '-m', 'control');
    include('');
  });

  it('gpg.program with commit.gpgSign (included, and in .git/config) does not run on commit', async () => {
    include(`[gpg]\n\tprogram = ${hostile('gpg-included', 'exit 1')}\n[commit]\n\tgpgSign = true\n`);
    writeFileSync(join(p.path, 'a.txt'), 'a\n');
    await ok('POST', 'stage', { paths: ['a.txt'] });
    await ok('POST', 'commit', { message: 'signed?' });
    assert.ok(!ran('gpg-included'), 'the included gpg.program ran');
    include('');
    git(p.path, 'config', 'gpg.program', hostile('gpg-local', 'exit 1'));
    git(p.path, 'config', 'commit.gpgSign', 'true');
    writeFileSync(join(p.path, 'b.txt'), 'b\n');
    await ok('POST', 'stage', { paths: ['b.txt'] });
    await ok('POST', 'commit', { message: 'signed?' });
    assert.ok(!ran('gpg-local'), 'gpg.program from .git/config ran');
    assert.throws(() => git(p.path, 'commit', '--allow-empty', '-q', '-m', 'control'), 'control: plain git signs with it and fails');
    assert.ok(ran('gpg-local'), 'control: plain git runs gpg.program');
    git(p.path, 'config', '--unset', 'gpg.program');
    git(p.path, 'config', '--unset', 'commit.gpgSign');
  });

  it('log.showSignature does not run gpg.program on a signed commit in the log', async () => {
    // A commit carrying a (bogus) signature: showing its signature means running gpg.program.
    const tree = git(p.path, 'rev-parse', 'HEAD^{tree}').trim();
    const parent = git(p.path, 'rev-parse', 'HEAD').trim();
    const body = `tree ${tree}\nparent ${parent}\nauthor T <t@e> 1700000000 +0000\ncommitter T <t@e> 1700000000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\nsigned commit\n`;
    const commit = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], {
      cwd: p.path,
      input: body,
      encoding: 'utf8',
    }).trim();
    git(p.path, 'update-ref', 'refs/heads/main', commit);
    include(`[gpg]\n\tprogram = ${hostile('gpg-verify', 'exit 1')}\n[log]\n\tshowSignature = true\n`);
    const log = await ok('GET', 'log');
    assert.equal(log.commits[0].message, 'signed commit');
    assert.ok(!ran('gpg-verify'), 'log ran the included gpg.program');
    git(p.path, 'log', '-1', '--pretty=format:%H');
    assert.ok(ran('gpg-verify'), 'control: plain git log verifies with it');
    include('');
  });

  it('a textconv and a merge driver from the repository run on neither diff nor pull', async () => {
    const bare = join(outside, 'merge-remote.git');
    git(outside, 'init', '-q', '--bare', '-b', 'main', bare);
    git(p.path, 'remote', 'add', 'origin', bare);
    writeFileSync(join(p.path, '.gitattributes'), 'm.txt merge=evil diff=evil\n');
    writeFileSync(join(p.path, 'm.txt'), '1\n2\n3\n');
    git(p.path, 'add', '.gitattributes', 'm.txt');
    git(p.path, 'commit', '-q', '-m', 'merge base');
    git(p.path, 'push', '-q', 'origin', 'main');
    const other = join(outside, 'other');
    git(outside, 'clone', '-q', bare, other);
    writeFileSync(join(other, 'm.txt'), '1\n2\n3 theirs\n');
    git(other, 'commit', '-q', '-am', 'theirs');
    git(other, 'push', '-q', 'origin', 'main');
    writeFileSync(join(p.path, 'm.txt'), '1 ours\n2\n3\n');
    git(p.path, 'commit', '-q', '-am', 'ours');
    include(`[merge "evil"]\n\tdriver = ${hostile('merge-driver', 'exit 1')}\n[diff "evil"]\n\ttextconv = ${hostile('textconv')} <\n`);
    writeFileSync(join(p.path, 'm.txt'), '1 ours\n2\n3\nmore\n');
    await ok('GET', 'diff');
    git(p.path, 'checkout', '--', 'm.txt');
    await ok('POST', 'pull', { remote: 'origin', branch: 'main' });
    assert.ok(!ran('merge-driver'), 'pull ran the included merge driver');
    assert.ok(!ran('textconv'), 'diff ran the included textconv');
    assert.equal((await ok('GET', 'log')).commits[0].parents.length, 2, "the pull merged with git's own text merge");
    git(p.path, 'log', '-p', '-1', '--first-parent', 'HEAD~1');
    assert.ok(ran('textconv'), 'control: plain git log -p runs the textconv');
    include('');
  });

  it('core.gitProxy and core.sshCommand from an include run on no fetch or push', async () => {
    // A closed loopback port: without the proxy both remotes simply fail to connect.
    const port = await new Promise<number>((resolve) => {
      const s = createTcpServer();
      s.listen(0, '127.0.0.1', () => {
        const a = s.address() as { port: number };
        s.close(() => resolve(a.port));
      });
    });
    git(p.path, 'remote', 'add', 'gitproto', `git://127.0.0.1:${port}/repo.git`);
    git(p.path, 'remote', 'add', 'sshproto', `ssh://pi@127.0.0.1:${port}/repo.git`);
    include(`[core]\n\tgitProxy = ${hostile('git-proxy', 'exit 1')}\n\tsshCommand = ${hostile('ssh-command', 'exit 1')}\n`);
    for (const remote of ['gitproto', 'sshproto']) {
      assert.equal((await api('POST', 'fetch', { remote })).status, 400, `${remote} fetch fails to connect`);
      assert.equal((await api('POST', 'push', { remote, branch: 'main' })).status, 400, `${remote} push fails to connect`);
    }
    assert.ok(!ran('git-proxy'), 'the included core.gitProxy ran');
    assert.ok(!ran('ssh-command'), 'the included core.sshCommand ran');
    assert.throws(() => git(p.path, 'fetch', 'gitproto'));
    assert.ok(ran('git-proxy'), 'control: plain git fetch runs the proxy');
    include('');
    git(p.path, 'remote', 'remove', 'gitproto');
    git(p.path, 'remote', 'remove', 'sshproto');
  });

  it('a credential helper from an include is not asked when the remote wants credentials', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' });
      res.end('auth required');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/repo.git`;
      git(p.path, 'remote', 'add', 'private', url);
      include(
        `[credential]\n\thelper = ${hostile('credential-helper', 'true')}\n[credential "${url}"]\n\thelper = ${hostile('credential-url-helper', 'true')}\n`,
      );
      for (const [route, body] of [
        ['fetch', { remote: 'private' }],
        ['push', { remote: 'private', branch: 'main' }],
      ] as const) {
        const res = await api('POST', route, body);
        assert.equal(res.status, 400);
        assert.equal(((await res.json()) as { error: string }).error, 'git_auth_required');
      }
      assert.ok(!ran('credential-helper') && !ran('credential-url-helper'), 'an included credential helper ran');
      // Asynchronously: the 401 server runs in this process and must keep answering.
      await assert.rejects(
        promisify(execFile)('git', ['fetch', 'private'], {
          cwd: p.path,
          timeout: 30_000,
          env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' },
        }),
      );
      assert.ok(ran('credential-helper'), 'control: plain git asks the included helper');
    } finally {
      server.closeAllConnections();
      server.close();
      include('');
    }
  });
});
