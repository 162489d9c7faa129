// Git names and messages (docs/compatibility.md#files-and-git): every route that takes a branch refuses the names
// `git check-ref-format --branch` refuses, with 400 invalid_branch_name and before git runs; and
// when a remote wants credentials, fetch, pull, push and clone answer with guidance on what to
// configure and where, never with the token that was tried.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from '@pi-forge/test-fixtures';
import { createProject, expectError, git, jsonOf, sseEvents, type ProjectBody } from './files-support.js';

const BAD_BRANCHES = [
  '.foo',
  'bar/.baz',
  'a..b',
  'x.lock',
  'a/b.lock',
  'trailing.',
  'trailing/',
  '/leading',
  'a//b',
  'sp ace',
  'a~1',
  'a^2',
  'a:b',
  'what?',
  'st*r',
  'br[x',
  'back\\slash',
  'at@{1}',
  '-option',
  'HEAD',
];
const TOKEN = 'tok-3f9a1c-super-secret';

describe('git names and messages', () => {
  let stack: Stack;
  let p: ProjectBody;
  let outside: string;
  const post = (route: string, json: Record<string, unknown>) =>
    stack.api(`/api/v1/git/${route}`, { method: 'POST', json: { projectId: p.id, ...json } });

  before(async () => {
    stack = await startStack({ name: 'git-names', env: { API_KEY: 'test-key-git-names', RATE_LIMIT_PUSH_MAX: '100' } });
    p = await createProject(stack, 'names');
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'pi-forge-git-names-')));
    git(p.path, 'init', '-q', '-b', 'main');
    writeFileSync(join(p.path, 'a.txt'), 'a\n');
    git(p.path, 'add', 'a.txt');
    git(p.path, 'commit', '-q', '-m', 'first');
  });
  after(async () => {
    await stack?.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses bad branch names on every route that takes one, before git runs', async () => {
    const before = git(p.path, 'for-each-ref', '--format=%(refname)');
    for (const name of BAD_BRANCHES) {
      await expectError(await post('checkout', { branch: name }), 400, 'invalid_branch_name');
      await expectError(await post('branch/create', { name }), 400, 'invalid_branch_name');
      await expectError(
        await stack.api(`/api/v1/git/branch/${encodeURIComponent(name)}?projectId=${p.id}`, { method: 'DELETE' }),
        400,
        'invalid_branch_name',
      );
      await expectError(await post('pull', { remote: 'origin', branch: name }), 400, 'invalid_branch_name');
      await expectError(await post('push', { remote: 'origin', branch: name }), 400, 'invalid_branch_name');
      const clone = await stack.api('/api/v1/projects/clone', {
        method: 'POST',
        json: {
          url: 'https://127.0.0.1:9/r.git',
          parentPath: realpathSync(stack.dirs.workspace),
          folderName: 'never',
          projectName: 'never',
          branch: name,
        },
      });
      await expectError(clone, 400, 'invalid_branch_name');
    }
    // The message says what is wrong with the name.
    const res = await post('branch/create', { name: 'bar/.baz' });
    assert.match((await jsonOf<{ message: string }>(res)).message, /starts with "\."/);
    assert.equal(git(p.path, 'for-each-ref', '--format=%(refname)'), before, 'a refused name still changed the refs');
    // Control: names git accepts work, and a start point may be a revision.
    assert.equal((await post('branch/create', { name: 'feature/ok-1.2', startPoint: 'HEAD~0' })).status, 200);
    assert.equal((await post('checkout', { branch: 'feature/ok-1.2' })).status, 200);
    assert.equal((await post('checkout', { branch: 'main' })).status, 200);
    assert.equal(
      (await stack.api(`/api/v1/git/branch/${encodeURIComponent('feature/ok-1.2')}?projectId=${p.id}`, { method: 'DELETE' })).status,
      200,
    );
  });

  describe('authentication failures', () => {
    const seen: string[] = [];
    const answer401 = (req: IncomingMessage, res: ServerResponse) => {
      seen.push(`${req.url ?? ''} ${req.headers.authorization ?? ''}`);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="pi-forge-test"' });
      res.end('authentication required');
    };
    const http = createHttpServer(answer401);
    let https: ReturnType<typeof createHttpsServer>;
    let httpPort = 0;
    let httpsPort = 0;

    before(async () => {
      const keyFile = join(outside, 'key.pem');
      const certFile = join(outside, 'cert.pem');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1'],
        { stdio: 'ignore' },
      );
      https = createHttpsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, answer401);
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
      httpPort = (http.address() as AddressInfo).port;
      httpsPort = (https.address() as AddressInfo).port;
    });
    after(() => {
      http.close();
      https?.close();
    });

    const assertGuidance = (text: string, operation: string) => {
      assert.ok(!text.includes(TOKEN), `the token leaked: ${text}`);
      assert.match(text, new RegExp(`git ${operation} failed`));
      assert.match(text, /credential helper/);
      assert.match(text, /global git config of the user running the workspace service/);
      assert.match(text, /ssh/i);
    };

    it('fetch, pull and push answer git_auth_required with guidance and without the token', async () => {
      assert.equal((await post('remote/add', { name: 'private', url: `http://user:${TOKEN}@127.0.0.1:${httpPort}/repo.git` })).status, 200);
      for (const [route, body] of [
        ['fetch', { remote: 'private' }],
        ['pull', { remote: 'private', branch: 'main' }],
        ['push', { remote: 'private', branch: 'main' }],
      ] as const) {
        const res = await post(route, body);
        const text = await res.text();
        assert.equal(res.status, 400, text);
        assert.equal((JSON.parse(text) as { error: string }).error, 'git_auth_required', text);
        assertGuidance(text, route);
      }
      assert.ok(
        seen.some((s) => s.includes('/repo.git/info/refs')),
        'git never reached the loopback remote',
      );
      const remotes = await stack.api(`/api/v1/git/remotes?projectId=${p.id}`);
      assert.ok(!(await remotes.text()).includes(TOKEN), 'the remote list shows the token');
    });

    it('clone ends with the guidance as its error event, with no token anywhere in the stream', async () => {
      const res = await stack.api('/api/v1/projects/clone', {
        method: 'POST',
        json: {
          url: `https://127.0.0.1:${httpsPort}/private/repo.git`,
          parentPath: realpathSync(stack.dirs.workspace),
          folderName: 'private-clone',
          projectName: 'Private',
          token: TOKEN,
          insecureTls: true,
        },
      });
      assert.equal(res.status, 200);
      const text = await res.clone().text();
      assert.ok(!text.includes(TOKEN), `the token leaked into the clone stream: ${text}`);
      const events = await sseEvents(res);
      const last = events.at(-1)!;
      assert.equal(last.type, 'error', JSON.stringify(events));
      assertGuidance(String(last.message), 'clone');
      // The token was offered to the remote (as userinfo), so the 401 really was about it.
      assert.ok(
        seen.some((s) => s.startsWith('/private/repo.git/info/refs') && s.includes('Basic ')),
        `no authenticated attempt reached the remote: ${seen.join(', ')}`,
      );
    });
  });
});
