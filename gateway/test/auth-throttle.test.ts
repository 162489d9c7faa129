// Issue 12.2 from outside: wrong bearer tokens, API keys, tickets and METRICS_TOKENs are throttled per
// client IP (429 + Retry-After, the right key included while throttled), logged without the credential;
// with TRUST_PROXY the client IP is the right end of X-Forwarded-For, so rotating the leftmost entry
// buys nothing; a short API_KEY is warned about at start. Also (12.7) a WebSocket with a foreign Origin
// is refused with auth on and CORS_ORIGIN unset.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { terminalUpgradeOutcome, type UpgradeOutcome } from './terminal-upgrade-outcome.js';
import { startStack, waitFor, type Stack } from '@pi-forge/test-fixtures';
import { assertNotLogged, bearer } from './auth-support.js';

const API_KEY = 'throttle-api-key-7d3f9b1e5a2c4d6f8e0a';
const METRICS_TOKEN = 'throttle-metrics-token-2b4d6f8a0c1e3g5i';
const MAX = 5;

describe('auth: failed credentials are throttled per client IP', () => {
  let stack: Stack;
  const wrong: Record<string, string> = {};

  before(async () => {
    stack = await startStack({
      name: 'auth-throttle',
      env: { API_KEY, METRICS_TOKEN, TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '1', RATE_LIMIT_AUTH_FAILURE_MAX: String(MAX) },
    });
  });
  after(async () => {
    await stack?.dispose();
  });

  /** As seen through one trusted proxy: the client may put anything on the left. */
  const via = (ip: string, spoof: string) => ({ 'x-forwarded-for': `${spoof}, ${ip}` });
  const session = (headers: Record<string, string>) =>
    fetch(`${stack.baseUrl}/api/v1/auth/session`, { headers, signal: AbortSignal.timeout(10_000) });

  it('answers 429 with Retry-After after RATE_LIMIT_AUTH_FAILURE_MAX wrong keys, even for the right key, however the leftmost X-Forwarded-For changes', async () => {
    const ip = '203.0.113.5';
    const statuses: number[] = [];
    for (let i = 0; i < MAX; i++) {
      const key = `wrong-key-${i}-${Math.random().toString(36).slice(2)}`;
      wrong[`wrong key ${i}`] = key;
      const res = await session({ ...bearer(key), ...via(ip, `10.9.9.${i}`) });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses, Array(MAX).fill(401));
    let res = await session({ ...bearer('one-more-wrong-key-x'), ...via(ip, '10.9.9.200') });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After in seconds');
    assert.match((await res.json()).message, /^Rate limit exceeded, retry in \d+ seconds$/);
    res = await session({ ...bearer(API_KEY), ...via(ip, '10.9.9.201') });
    assert.equal(res.status, 429, 'the right key does not get through while throttled');
    res = await session({ ...bearer(API_KEY), ...via('203.0.113.6', '203.0.113.5') });
    assert.equal(res.status, 200, 'another client (right end) is not affected, whatever it claims on the left');
    res = await fetch(`${stack.baseUrl}/api/v1/health`, { headers: via(ip, 'x') });
    assert.equal(res.status, 200, 'public routes stay open');
  });

  it('logs each failure with the right-end client IP and never the credential', async () => {
    await stack.logsSettled();
    const failures = stack.logs.filter((l) => l.msg === 'failed authentication' && l.ip === '203.0.113.5');
    assert.equal(failures.length, MAX - 1);
    assert.ok(stack.logs.some((l) => l.msg === 'too many failed authentications; client IP throttled' && l.ip === '203.0.113.5'));
    const request = stack.logs.find((l) => l.msg === 'request' && l.status === 429);
    assert.equal(request?.ip, '203.0.113.5', 'the request log shows the right-end address');
    await assertNotLogged(stack, { 'API key': API_KEY, ...wrong });
  });

  it('throttles wrong METRICS_TOKENs the same way', async () => {
    const headers = (token: string) => ({ ...bearer(token), ...via('203.0.113.7', 'z') });
    for (let i = 0; i < MAX; i++) {
      const res = await fetch(`${stack.baseUrl}/metrics`, { headers: headers(`wrong-metrics-${i}`) });
      assert.equal(res.status, 401);
      await res.arrayBuffer();
    }
    const res = await fetch(`${stack.baseUrl}/metrics`, { headers: headers(METRICS_TOKEN) });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    const other = await fetch(`${stack.baseUrl}/metrics`, { headers: { ...bearer(METRICS_TOKEN), ...via('203.0.113.8', 'z') } });
    assert.equal(other.status, 200);
    await other.arrayBuffer();
  });

  function terminal(headers: Record<string, string>, query = ''): Promise<UpgradeOutcome> {
    return terminalUpgradeOutcome(
      `${stack.baseUrl.replace('http', 'ws')}/api/v1/terminal?projectId=no-such-project&tabId=throttle${query}`,
      headers,
    );
  }

  it('refuses the terminal upgrade of a throttled IP with 429 before the handshake, and counts wrong ?token= there', async () => {
    assert.deepEqual(await terminal({ ...bearer(API_KEY), ...via('203.0.113.5', 'x') }), { status: 429 });
    const ip = '203.0.113.9';
    for (let i = 0; i < MAX; i++)
      assert.deepEqual(await terminal(via(ip, 'x'), `&token=wrong-ws-${i}`), { code: 4401, reason: 'auth_required' });
    assert.deepEqual(await terminal(via(ip, 'x'), `&token=${API_KEY}`), { status: 429 });
  });

  it('refuses a terminal WebSocket from a foreign Origin with CORS_ORIGIN unset, even with a good key', async () => {
    const headers = { ...bearer(API_KEY), ...via('203.0.113.20', 'x') };
    assert.deepEqual(await terminal({ ...headers, origin: 'https://evil.example.test' }), { code: 4403, reason: 'origin_not_allowed' });
    assert.deepEqual(
      await terminal({ ...headers, origin: stack.baseUrl }),
      { code: 4404, reason: 'project_not_found' },
      'its own origin passes',
    );
  });
});

describe('auth: a short API_KEY is warned about at start', () => {
  it('logs a warning naming the minimum, not the key', async () => {
    const key = 'short-key-123';
    const stack = await startStack({ name: 'auth-short-key', env: { API_KEY: key } });
    try {
      const line = await waitFor(
        'the short-key warning',
        () => stack.logs.find((l) => l.proc === 'gateway' && l.level === 'warn' && String(l.msg).startsWith('API_KEY is short')),
        10_000,
      );
      assert.equal(line.minimum, 24);
      await assertNotLogged(stack, { 'API key': key });
    } finally {
      await stack.dispose();
    }
  });
});
