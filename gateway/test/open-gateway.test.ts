// Issue 12.7 from outside: with no credentials configured, a request whose Host is not loopback, the
// bound HOST or an ALLOWED_HOSTS entry is refused (421) on HTTP, SSE and the terminal upgrade: that is
// what a DNS-rebinding page sends. A foreign Origin is refused too (403), so a web page the user visits
// cannot drive the open API through the browser; the gateway's own and loopback origins still work.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { terminalUpgradeOutcome, type UpgradeOutcome } from './terminal-upgrade-outcome.js';
import { startStack, type Stack } from '@pi-forge/test-fixtures';

const EVIL = 'rebound.evil.example.test';

describe('open gateway: Host and Origin rules while auth is off', () => {
  let stack: Stack;
  let port = 0;

  before(async () => {
    stack = await startStack({ name: 'open-gateway', env: { ALLOWED_HOSTS: 'forge.lan.test' } });
    port = stack.port;
  });
  after(async () => {
    await stack?.dispose();
  });

  /** A raw request: fetch does not let a test choose the Host header. */
  function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; json: Record<string, unknown> | undefined; headers: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            text += d;
          });
          res.on('end', () => {
            let json: Record<string, unknown> | undefined;
            try {
              json = JSON.parse(text) as Record<string, unknown>;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, json, headers: res.headers });
          });
          // An SSE stream that was let through never ends by itself.
          if (res.headers['content-type']?.startsWith('text/event-stream')) {
            resolve({ status: res.statusCode ?? 0, json: undefined, headers: res.headers });
            req.destroy();
          }
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers a rebound Host with 421 host_not_allowed on API routes and the web app', async () => {
    for (const path of ['/api/v1/projects', '/api/v1/auth/session', '/', '/api/v1/no-such-route']) {
      const res = await send('GET', path, { host: `${EVIL}:${port}` });
      assert.equal(res.status, 421, path);
      assert.equal(res.json?.error, 'host_not_allowed', path);
    }
    const created = await send('POST', '/api/v1/projects', { host: EVIL }, JSON.stringify({ name: 'rebound' }));
    assert.equal(created.status, 421);
    // Health answers any name: probes use the pod IP, and it changes nothing.
    assert.equal((await send('GET', '/api/v1/health', { host: `10.1.2.3:${port}` })).status, 200);
  });

  it('answers the SSE stream with 421 for a rebound Host', async () => {
    const res = await send('GET', '/api/v1/sessions/some-session/stream', { host: `${EVIL}:${port}`, accept: 'text/event-stream' });
    assert.equal(res.status, 421);
    assert.equal(res.json?.error, 'host_not_allowed');
  });

  it('serves loopback, the bound address and ALLOWED_HOSTS names', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST.:${port}`,
      `[::1]:${port}`,
      'forge.lan.test',
      `forge.lan.test:${port}`,
    ]) {
      const res = await send('GET', '/api/v1/projects', { host });
      assert.equal(res.status, 200, host);
    }
  });

  it('refuses a foreign Origin with 403 origin_not_allowed (the preflight too), and takes its own and loopback origins', async () => {
    const host = `127.0.0.1:${port}`;
    let res = await send('POST', '/api/v1/projects', { host, origin: 'https://evil.example.test' }, JSON.stringify({ name: 'cross-site' }));
    assert.equal(res.status, 403);
    assert.equal(res.json?.error, 'origin_not_allowed');
    res = await send('OPTIONS', '/api/v1/projects', { host, origin: 'https://evil.example.test', 'access-control-request-method': 'POST' });
    assert.equal(res.status, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    res = await send('GET', '/api/v1/projects', { host, origin: 'null' });
    assert.equal(res.status, 403, 'an opaque origin');
    for (const origin of [`http://127.0.0.1:${port}`, 'http://localhost:5173', 'https://forge.lan.test']) {
      res = await send('GET', '/api/v1/projects', { host, origin });
      assert.equal(res.status, 200, origin);
    }
  });

  function terminal(headers: Record<string, string>): Promise<UpgradeOutcome> {
    return terminalUpgradeOutcome(`ws://127.0.0.1:${port}/api/v1/terminal?projectId=no-such-project&tabId=open`, headers);
  }

  it('refuses the terminal upgrade for a rebound Host (421) and for a foreign Origin', async () => {
    assert.deepEqual(await terminal({ host: `${EVIL}:${port}` }), { status: 421 });
    const outcome = await terminal({ origin: 'https://evil.example.test' });
    assert.ok(outcome.status === 403 || outcome.code === 4403, JSON.stringify(outcome));
    assert.deepEqual(
      await terminal({ origin: `http://127.0.0.1:${port}` }),
      { code: 4404, reason: 'project_not_found' },
      'its own page gets as far as the project lookup',
    );
  });
});
