// Default deny, table-driven over every route the running gateway registered: each bad credential is
// refused with the contract's code on every non-public /api/v1 route, and the public ones stay public.
// New routes are covered without editing this file; a new public route must be added to PUBLIC below.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '@pi-forge/test-fixtures';
import {
  assertNotLogged,
  bearer,
  concretePath,
  loginToken,
  routeTable,
  signToken,
  unsignedToken,
  type RouteEntry,
} from './auth-support.js';

const PASSWORD = 'route-table-password-7Qx';
const API_KEY = 'route-table-api-key-3f9a7c1e5b2d4a6f8e0c';
const JWT_SECRET = 'route-table-jwt-secret-0123456789abcdef0123';

/** docs/compatibility.md#auth-and-security (+ our self-checked /auth/change-password). */
const PUBLIC = new Set([
  'GET /api/v1/health',
  'GET /api/v1/ui-config',
  'GET /api/v1/auth/status',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/change-password',
]);
const isPublic = (r: RouteEntry) => PUBLIC.has(`${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`);

const LIMIT_CLASSES = { LOGIN: 100_001, PROMPT: 100_002, UPLOAD: 100_003, SEARCH: 100_004, PUSH: 100_005 };
/** docs/compatibility.md#http-conventions: the per-IP limited routes and their class. Every other route has no limit. */
const LIMITED: Record<string, keyof typeof LIMIT_CLASSES> = {
  'POST /api/v1/auth/login': 'LOGIN',
  'POST /api/v1/auth/change-password': 'LOGIN',
  'POST /api/v1/sessions/:id/prompt': 'PROMPT',
  'POST /api/v1/sessions/:id/steer': 'PROMPT',
  'POST /api/v1/sessions/:id/compact': 'PROMPT',
  'POST /api/v1/sessions/:id/navigate': 'PROMPT',
  'POST /api/v1/files/upload': 'UPLOAD',
  'GET /api/v1/files/search': 'SEARCH',
  'GET /api/v1/search/sessions': 'SEARCH',
  'POST /api/v1/git/push': 'PUSH',
};

describe('auth: default deny over every registered route', () => {
  let stack: Stack;
  let routes: RouteEntry[];
  let goodToken = '';

  before(async () => {
    // Every route gets a dozen requests here, so rate limits must not answer first; each class gets its
    // own maximum so that the limit headers tell which class a route is in.
    // The failed-credential throttle likewise: this test sends every route a dozen bad credentials.
    const generousLimits = {
      ...Object.fromEntries(Object.entries(LIMIT_CLASSES).map(([k, max]) => [`RATE_LIMIT_${k}_MAX`, String(max)])),
      RATE_LIMIT_AUTH_FAILURE_MAX: '1000000',
    };
    stack = await startStack({
      name: 'auth-routes',
      env: { UI_PASSWORD: PASSWORD, API_KEY, JWT_SECRET, LOG_LEVEL: 'debug', ...generousLimits },
    });
    routes = routeTable(stack).filter((r) => r.url === '/api/v1' || r.url.startsWith('/api/v1/'));
    goodToken = await loginToken(stack, PASSWORD);
  });
  after(async () => {
    await stack?.dispose();
  });

  function call(route: RouteEntry, headers: Record<string, string>): Promise<Response> {
    return fetch(`${stack.baseUrl}${concretePath(route.url)}`, { method: route.method, headers, signal: AbortSignal.timeout(10_000) });
  }

  it('reads a route table that includes the auth and health routes', () => {
    const names = routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of ['GET /api/v1/health', 'POST /api/v1/auth/login', 'POST /api/v1/auth/ticket'])
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    console.log(`route table: ${routes.length} /api/v1 routes, ${routes.filter(isPublic).length} public`);
  });

  const badCredentials: [string, () => Record<string, string>, number, string][] = [
    ['no Authorization header', () => ({}), 401, 'missing_token'],
    ['a garbled header (Basic)', () => ({ authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` }), 401, 'missing_token'],
    ['Bearer with two words', () => ({ authorization: 'Bearer two words' }), 401, 'missing_token'],
    ['garbage bearer', () => bearer('garbage'), 401, 'invalid_token'],
    ['a wrong signature', () => bearer(goodToken.slice(0, -4) + (goodToken.endsWith('AAAA') ? 'BBBB' : 'AAAA')), 401, 'invalid_token'],
    ['alg: none', () => bearer(unsignedToken()), 401, 'invalid_token'],
    ['an expired token', () => bearer(signToken(JWT_SECRET, {}, { expiresIn: -10 })), 401, 'invalid_token'],
    ['a token signed with another secret', () => bearer(signToken('another-secret-another-secret-another-secret')), 401, 'invalid_token'],
    ['a token for another subject', () => bearer(signToken(JWT_SECRET, {}, { subject: 'someone-else' })), 401, 'invalid_token'],
    ['a wrong API key', () => bearer(`${API_KEY.slice(0, -1)}x`), 401, 'invalid_token'],
    [
      'a restricted (must-change-password) token',
      () => bearer(signToken(JWT_SECRET, { mustChangePassword: true })),
      403,
      'must_change_password',
    ],
  ];

  for (const [what, headers, status, code] of badCredentials) {
    it(`refuses ${what} on every non-public route (${status} ${code})`, async () => {
      const failures: string[] = [];
      for (const route of routes.filter((r) => !isPublic(r))) {
        const res = await call(route, headers());
        const body = route.method === 'HEAD' ? undefined : ((await res.json().catch(() => ({}))) as { error?: string });
        if (res.status !== status || (body && body.error !== code))
          failures.push(`${route.method} ${route.url} → ${res.status} ${body?.error ?? ''}`);
      }
      assert.deepEqual(failures, []);
    });
  }

  it("rate-limits exactly the contract's routes, each with its class's limit", async () => {
    const wrong: string[] = [];
    let limited = 0;
    for (const route of routes.filter((r) => r.method !== 'HEAD')) {
      const name = `${route.method} ${route.url}`;
      const expected = LIMITED[name] ? String(LIMIT_CLASSES[LIMITED[name]]) : null;
      const res = await call(route, {});
      await res.arrayBuffer();
      const actual = res.headers.get('x-ratelimit-limit');
      if (actual !== expected) wrong.push(`${name}: limit ${actual}, expected ${expected}`);
      if (expected) limited++;
    }
    assert.deepEqual(wrong, []);
    console.log(`rate-limited routes present: ${limited} of ${Object.keys(LIMITED).length} in the contract`);
    assert.ok(limited >= 2, 'at least login and change-password');
  });

  it('keeps the public routes public', async () => {
    for (const route of routes.filter(isPublic)) {
      const res = await call(route, {});
      assert.ok(res.status !== 401 && res.status !== 403, `${route.method} ${route.url} → ${res.status}`);
    }
  });

  it('refuses a made-up ?ticket= and never takes ?token= on HTTP routes', async () => {
    let res = await fetch(`${stack.baseUrl}/api/v1/auth/session?ticket=not-a-ticket`);
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, 'invalid_token');
    res = await fetch(`${stack.baseUrl}/api/v1/auth/session?token=${API_KEY}`);
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, 'missing_token');
  });

  it('lets the API key and a session token in', async () => {
    let res = await stack.api('/api/v1/auth/session');
    assert.deepEqual(await res.json(), { authEnabled: true, via: 'api_key' });
    res = await fetch(`${stack.baseUrl}/api/v1/auth/session`, { headers: { authorization: `bearer ${goodToken}` } });
    assert.equal(res.status, 200, 'the scheme is case-insensitive');
    assert.deepEqual(await res.json(), { authEnabled: true, via: 'jwt' });
  });

  it('answers unknown /api/v1 paths 401 before 404', async () => {
    for (const path of ['/api/v1/no-such-route', '/api/v1', '/api/v1/projects/x0/no-such-thing']) {
      let res = await fetch(`${stack.baseUrl}${path}`, { method: 'GET' });
      assert.equal(res.status, 401, path);
      assert.equal((await res.json()).error, 'missing_token');
      res = await fetch(`${stack.baseUrl}${path}`, { method: 'DELETE', headers: bearer('garbage') });
      assert.equal(res.status, 401, path);
      assert.equal((await res.json()).error, 'invalid_token');
      res = await stack.api(path);
      assert.equal(res.status, 404, path);
      assert.equal((await res.json()).error, 'not_found');
    }
  });

  it('never logs the password, the API key or a token', async () => {
    await assertNotLogged(stack, { password: PASSWORD, 'API key': API_KEY, 'JWT secret': JWT_SECRET, 'session token': goodToken });
  });
});
