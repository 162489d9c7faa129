// The terminal WebSocket end to end: real gateway, real pty service, real shell, real ws client.
// Protocol (echo, resize, exit, close codes, binary frames, pings), auth and pre-upgrade
// rejections, env scrubbing, reattach with replay, displacement, tab_closed and idle reaping.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isGone, startStack, waitFor, type Stack } from '@pi-forge/test-fixtures';
import { addProject, TermClient, terminalUrl } from './terminal-client.js';

const API_KEY = 'terminal-test-api-key-0123456789';
const SECRETS = {
  OPENAI_API_KEY: 'sk-openai-should-not-leak',
  ANTHROPIC_API_KEY: 'sk-ant-should-not-leak',
  AWS_SECRET_ACCESS_KEY: 'aws-should-not-leak',
  GOOGLE_APPLICATION_CREDENTIALS: '/gcp-should-not-leak.json',
};
const REAP_MS = 4_000;

describe('terminal WebSocket', () => {
  let stack: Stack;
  let project: { id: string; path: string };
  let ipSeq = 0;
  /** Each client gets its own X-Forwarded-For address so the 10/min spawn limit only bites where tested. */
  const open = (query: Record<string, string | undefined>, headers: Record<string, string> = {}) =>
    new TermClient(terminalUrl(stack, { projectId: project.id, ...query }), { 'x-forwarded-for': `10.0.0.${++ipSeq}`, ...headers });

  before(async () => {
    stack = await startStack({
      name: 'terminal',
      env: {
        API_KEY,
        TRUST_PROXY: 'true',
        CORS_ORIGIN: 'http://allowed.example',
        PTY_IDLE_REAP_MS: String(REAP_MS),
        TERMINAL_WS_KEEPALIVE_MS: '1000',
        TERMINAL_PASSTHROUGH_ENV: 'FORGE_PASSTHROUGH_OK,PS1',
        FORGE_PASSTHROUGH_OK: 'passed-through',
        PS1: 'forge-ps1$ ',
        ...SECRETS,
      },
    });
    project = addProject(stack, 'term-project', { '.venv/bin/activate': 'export FORGE_VENV_ACTIVE=yes\n' });
  });
  after(async () => {
    await stack?.dispose();
  });

  it('echoes input through a real shell in the project folder, as binary frames', async () => {
    const t = open({ tabId: 'echo' });
    await t.opened();
    t.input('echo hello-$((6*7))\r');
    await t.waitForText(/hello-42/);
    assert.equal((await t.run('pwd')).trim(), project.path);
    assert.equal(t.textFrames, 0, 'output comes only as binary frames');
    t.close();
    await t.waitClosed();
  });

  it('runs each tab as its own shell: different pids, no crossed output', async () => {
    const tabs = ['multi-a', 'multi-b', 'multi-c'].map((tabId) => ({ tabId, client: open({ tabId }) }));
    await Promise.all(tabs.map((t) => t.client.opened()));
    const pids = await Promise.all(tabs.map((t) => t.client.run('echo $$')));
    assert.equal(new Set(pids.map((p) => p.trim())).size, 3);
    await Promise.all(tabs.map((t) => t.client.run(`echo only-in-$((1))-${t.tabId}`)));
    for (const t of tabs) {
      for (const other of tabs) {
        if (other !== t) assert.ok(!t.client.text.includes(`only-in-1-${other.tabId}`), `${other.tabId} output reached ${t.tabId}`);
      }
    }
    for (const t of tabs) t.client.close(1000, 'tab_closed');
  });

  it('gives new terminals the tool environment of PUT /config/sandbox, without the sandbox on too (docs/compatibility.md#terminal-protocol)', async () => {
    const put = await stack.api('/api/v1/config/sandbox', {
      method: 'PUT',
      json: { toolEnv: { FORGE_TOOL_ENV_VAR: 'from-sandbox-settings' } },
    });
    assert.equal(put.status, 200, await put.clone().text());
    const t = open({ tabId: 'tool-env' });
    await t.opened();
    assert.equal((await t.run('echo "$FORGE_TOOL_ENV_VAR"')).trim(), 'from-sandbox-settings');
    t.close(1000, 'tab_closed');
    await stack.api('/api/v1/config/sandbox', { method: 'PUT', json: { toolEnv: {} } });
  });

  it('activates the project venv on a fresh spawn', async () => {
    const t = open({ tabId: 'venv' });
    await t.opened();
    assert.equal((await t.run('echo venv=$FORGE_VENV_ACTIVE')).trim(), 'venv=yes');
    t.close(1000, 'tab_closed');
    await t.waitClosed();
  });

  it('resizes the pty (stty size) and ignores bad resize and junk frames', async () => {
    const t = open({ tabId: 'resize' });
    await t.opened();
    assert.equal((await t.run('stty size')).trim(), '24 80');
    t.resize(100, 30);
    assert.equal((await t.run('stty size')).trim(), '30 100');
    t.resize(0, 30);
    t.resize(5000, 30);
    t.ws.send(JSON.stringify({ type: 'resize', cols: 12.5, rows: 30 }));
    t.ws.send('not json at all');
    t.ws.send(JSON.stringify({ type: 'launch-missiles' }));
    t.ws.send(Buffer.from(JSON.stringify({ type: 'input', data: 'echo binary-$((1+1))\r' })), { binary: true });
    await t.waitForText(/binary-2/);
    assert.equal((await t.run('stty size')).trim(), '30 100');
    assert.equal(t.closed, undefined);
    t.close(1000, 'tab_closed');
  });

  it('closes with 1000 pty_exited when the shell exits', async () => {
    const t = open({ tabId: 'exit' });
    await t.opened();
    t.input('exit\r');
    assert.deepEqual(await t.waitClosed(), { code: 1000, reason: 'pty_exited' });
  });

  it('refuses a socket without a token with 4401 auth_required', async () => {
    const bare = new TermClient(`ws://127.0.0.1:${stack.port}/api/v1/terminal?projectId=${project.id}&tabId=noauth`, {
      'x-forwarded-for': `10.0.1.${++ipSeq}`,
    });
    assert.deepEqual(await bare.waitClosed(), { code: 4401, reason: 'auth_required' });
    const wrong = open({ tabId: 'noauth', token: 'wrong-key' });
    assert.deepEqual(await wrong.waitClosed(), { code: 4401, reason: 'auth_required' });
  });

  it('refuses an Origin outside CORS_ORIGIN with 4403 origin_not_allowed, even with a good token', async () => {
    const evil = open({ tabId: 'origin' }, { origin: 'http://evil.example' });
    assert.deepEqual(await evil.waitClosed(), { code: 4403, reason: 'origin_not_allowed' });
    const good = open({ tabId: 'origin' }, { origin: 'http://allowed.example' });
    await good.opened();
    assert.equal((await good.run('echo origin-ok')).trim(), 'origin-ok');
    good.close(1000, 'tab_closed');
  });

  it('accepts the API key as a Bearer header too', async () => {
    const q = new URLSearchParams({ projectId: project.id, tabId: 'bearer' });
    const t = new TermClient(`ws://127.0.0.1:${stack.port}/api/v1/terminal?${q}`, {
      authorization: `Bearer ${API_KEY}`,
      'x-forwarded-for': `10.0.2.${++ipSeq}`,
    });
    await t.opened();
    assert.equal((await t.run('echo bearer-ok')).trim(), 'bearer-ok');
    t.close(1000, 'tab_closed');
  });

  it('closes 4404 project_not_found for an unknown project, spawning nothing', async () => {
    const before = (await stack.health()).activePtys;
    const t = open({ projectId: 'no-such-project', tabId: 'x' });
    assert.deepEqual(await t.waitClosed(), { code: 4404, reason: 'project_not_found' });
    assert.ok((await stack.health()).activePtys <= before, 'no shell was spawned');
  });

  it('answers 400 before the upgrade for a missing projectId or a bad tabId', async () => {
    const missing = new TermClient(`ws://127.0.0.1:${stack.port}/api/v1/terminal?token=${API_KEY}`, {
      'x-forwarded-for': `10.0.3.${++ipSeq}`,
    });
    await missing.waitClosed();
    assert.equal(missing.rejectedStatus, 400);
    await waitFor('body', () => missing.rejectedBody.length > 0, 2_000);
    assert.equal(JSON.parse(missing.rejectedBody).error, 'validation_failed');
    const longTab = open({ tabId: 'x'.repeat(129) });
    await longTab.waitClosed();
    assert.equal(longTab.rejectedStatus, 400);
  });

  it('rate-limits upgrades to 10 per minute per client IP with a 429 before the upgrade', async () => {
    const headers = { 'x-forwarded-for': '10.9.9.9' };
    const url = terminalUrl(stack, { projectId: 'no-such-project', tabId: 'rl' });
    const statuses: Array<number | string> = [];
    for (let i = 0; i < 11; i++) {
      const t = new TermClient(url, headers);
      const c = await t.waitClosed();
      statuses.push(t.rejectedStatus ?? c.code);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(4404));
    assert.equal(statuses[10], 429);
    const other = new TermClient(url, { 'x-forwarded-for': '10.9.9.10' });
    assert.equal((await other.waitClosed()).code, 4404, 'another IP is not limited');
  });

  it('gives the shell none of the server secrets, only the allowlist and passthrough names', async () => {
    const t = open({ tabId: 'env' });
    await t.opened();
    const env = await t.run('env');
    for (const [name, value] of Object.entries(SECRETS)) {
      assert.ok(!env.includes(value), `${name} leaked into the shell`);
      assert.ok(!env.includes(`${name}=`), `${name} is set in the shell`);
    }
    for (const name of ['API_KEY=', 'JWT_SECRET=', 'PTY_IDLE_REAP_MS=', 'PTY_GRPC_URL=', 'WORKSPACE_PATH='])
      assert.ok(!env.includes(`\n${name}`) && !env.startsWith(name), `${name} reached the shell`);
    assert.ok(!env.includes(API_KEY), 'the API key reached the shell');
    assert.match(env, /FORGE_PASSTHROUGH_OK=passed-through/);
    assert.match(env, new RegExp(`HOME=${stack.dirs.home}`));
    assert.match(env, /TERM=xterm-color/);
    t.close(1000, 'tab_closed');
  });

  it('sends keepalive pings', async () => {
    const t = open({ tabId: 'ping' });
    await t.opened();
    await waitFor('two pings', () => t.pings >= 2, 8_000);
    t.close(1000, 'tab_closed');
  });

  it('reattaches after a socket close: same shell, earlier output replayed, detached PTY counted', async () => {
    const first = open({ tabId: 'reattach' });
    await first.opened();
    const pid = (await first.run('echo $$')).trim();
    first.resize(111, 33);
    await first.run('echo remember-$((40+2))-me');
    first.close();
    await first.waitClosed();
    await waitFor('detached pty still counted', async () => (await stack.health()).activePtys >= 1, 2_000);
    assert.ok(!isGone(Number(pid)), 'the shell outlived the socket');

    const second = open({ tabId: 'reattach' });
    await second.opened();
    await second.waitForText(/remember-42-me/);
    assert.equal((await second.run('echo $$')).trim(), pid);
    assert.equal((await second.run('stty size')).trim(), '33 111', 'a reattach keeps the size until the browser sends one');
    assert.equal((await second.run('echo venv=$FORGE_VENV_ACTIVE')).trim(), 'venv=yes', 'no second activation needed: same shell');
    second.close(1000, 'tab_closed');
  });

  it('a second attach to the same tab displaces the first with 4409', async () => {
    const first = open({ tabId: 'displace' });
    await first.opened();
    const pid = (await first.run('echo $$')).trim();
    const second = open({ tabId: 'displace' });
    await second.opened();
    assert.deepEqual(await first.waitClosed(), { code: 4409, reason: 'replaced_by_new_attach' });
    assert.equal((await second.run('echo $$')).trim(), pid);
    const otherProject = addProject(stack, 'other-project');
    const third = open({ projectId: otherProject.id, tabId: 'displace' });
    await third.opened();
    assert.notEqual((await third.run('echo $$')).trim(), pid, 'a tab id of another project never matches');
    assert.equal(second.closed, undefined);
    second.close(1000, 'tab_closed');
    third.close(1000, 'tab_closed');
  });

  it('tab_closed kills the shell at once; a new socket on that tab gets a new shell', async () => {
    const t = open({ tabId: 'closing' });
    await t.opened();
    const pid = Number((await t.run('echo $$')).trim());
    t.close(1000, 'tab_closed');
    await t.waitClosed();
    await waitFor(`shell ${pid} killed`, () => isGone(pid), 4_000);
    const again = open({ tabId: 'closing' });
    await again.opened();
    assert.notEqual(Number((await again.run('echo $$')).trim()), pid);
    again.close(1000, 'tab_closed');
  });

  it('never logs the token or the secrets (upgrade URLs are logged redacted)', async () => {
    await waitFor(
      'a redacted upgrade URL in the log',
      () => stack.rawLog.some((l) => l.includes('/api/v1/terminal?token=REDACTED')),
      2_000,
    );
    for (const secret of [API_KEY, ...Object.values(SECRETS)])
      assert.ok(!stack.rawLog.some((l) => l.includes(secret)), `${secret.slice(0, 8)}… appears in the log`);
  });

  it('reaps a detached shell after PTY_IDLE_REAP_MS', async () => {
    const t = open({ tabId: 'reap' });
    await t.opened();
    const pid = Number((await t.run('echo $$')).trim());
    t.close();
    await t.waitClosed();
    assert.ok(!isGone(pid));
    await waitFor(`shell ${pid} reaped`, () => isGone(pid), REAP_MS + 5_000);
  });
});
