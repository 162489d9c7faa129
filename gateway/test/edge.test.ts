// The gateway edge end to end: security headers and CSP on every kind of response, pinned CORS,
// X-Forwarded-For ignored without TRUST_PROXY, and the OpenAPI docs covering every registered route.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startStack, waitFor, type Stack } from '@pi-forge/test-fixtures';
import { assertNotLogged, routeTable } from './auth-support.js';

const API_KEY = 'edge-api-key-8b2e4d6f0a1c3e5g7i9k';
const GOOD_ORIGIN = 'https://forge.example.test';
const EVIL_ORIGIN = 'https://evil.example.test';

describe('edge: headers, CORS, client IP, OpenAPI', () => {
  let stack: Stack;
  let wsTicket = '';

  before(async () => {
    stack = await startStack({ name: 'edge', env: { API_KEY, CORS_ORIGIN: GOOD_ORIGIN, LOG_LEVEL: 'debug' } });
  });
  after(async () => {
    await stack?.dispose();
  });

  it('sends the security headers and CSP on success, 401, 404, 400 and the docs', async () => {
    const responses = {
      'public 200': await fetch(`${stack.baseUrl}/api/v1/health`),
      '401': await fetch(`${stack.baseUrl}/api/v1/auth/session`),
      '404': await stack.api('/api/v1/no-such-route'),
      '400': await stack.api('/api/v1/auth/change-password', { method: 'POST', json: {} }),
      docs: await fetch(`${stack.baseUrl}/api/docs`),
      'docs json': await fetch(`${stack.baseUrl}/api/docs/json`),
    };
    for (const [what, res] of Object.entries(responses)) {
      const h = res.headers;
      assert.equal(h.get('x-content-type-options'), 'nosniff', what);
      assert.equal(h.get('referrer-policy'), 'strict-origin-when-cross-origin', what);
      assert.equal(h.get('x-frame-options'), 'DENY', what);
      assert.equal(h.get('strict-transport-security'), 'max-age=15552000; includeSubDomains', what);
      const csp = Object.fromEntries(
        (h.get('content-security-policy') ?? '').split(';').map((d) => {
          const [k, ...v] = d.trim().split(/\s+/);
          return [k, v.join(' ')];
        }),
      );
      assert.deepEqual(
        csp,
        {
          'default-src': "'self'",
          'script-src': "'self' 'wasm-unsafe-eval'",
          'style-src': "'self' 'unsafe-inline'",
          'style-src-attr': "'unsafe-inline'",
          'img-src': "'self' data: blob:",
          'font-src': "'self' data:",
          'connect-src': "'self'",
          'worker-src': "'self' blob:",
          'object-src': "'none'",
          'base-uri': "'none'",
          'form-action': "'self'",
          'frame-ancestors': "'none'",
        },
        what,
      );
      assert.equal(h.get('x-powered-by'), null, what);
    }
    assert.equal(responses['401'].status, 401);
    assert.equal(responses['404'].status, 404);
    assert.equal(responses['400'].status, 400);
  });

  it('allows the pinned origin and refuses others (preflight and simple requests)', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.baseUrl}/api/v1/auth/ticket`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    const good = await preflight(GOOD_ORIGIN);
    assert.ok(good.status < 300, `preflight ${good.status}`);
    assert.equal(good.headers.get('access-control-allow-origin'), GOOD_ORIGIN);
    assert.match(good.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.equal(good.headers.get('access-control-allow-credentials'), null, 'credentials: false');

    const evil = await preflight(EVIL_ORIGIN);
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
    const simple = await fetch(`${stack.baseUrl}/api/v1/health`, { headers: { origin: EVIL_ORIGIN } });
    assert.equal(simple.headers.get('access-control-allow-origin'), null);
    const pinned = await fetch(`${stack.baseUrl}/api/v1/health`, { headers: { origin: GOOD_ORIGIN } });
    assert.equal(pinned.headers.get('access-control-allow-origin'), GOOD_ORIGIN);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: spoofed addresses share one rate-limit bucket', async () => {
    // No password here, so login answers 503, but the per-IP limit runs first and still counts.
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++) {
      const res = await fetch(`${stack.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}` },
        body: JSON.stringify({ password: 'whatever' }),
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(503));
    assert.equal(statuses[10], 429);
    const logged = await waitFor(
      '11 login requests logged',
      () => {
        const lines = stack.logs.filter((l) => l.msg === 'request' && l.url === '/api/v1/auth/login');
        return lines.length >= 11 && lines;
      },
      5_000,
    );
    assert.deepEqual([...new Set(logged.map((l) => l.ip))], ['127.0.0.1'], 'the socket address is the client IP');
  });

  it('documents every registered /api/v1 route in /api/docs/json, with bearer auth except on public routes', async () => {
    const res = await fetch(`${stack.baseUrl}/api/docs/json`);
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(doc.info.title, 'pi-forge API');
    assert.deepEqual(
      { ...doc.components.securitySchemes.bearerAuth, bearerFormat: undefined },
      { type: 'http', scheme: 'bearer', bearerFormat: undefined },
    );
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
    }
    const missing = routeTable(stack)
      .filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD' && !r.url.includes('*'))
      .map((r) => `${r.method} ${r.url}`)
      .filter((r) => !documented.has(r));
    assert.deepEqual(missing, [], 'routes missing from the OpenAPI document');
    assert.deepEqual(doc.paths['/api/v1/health'].get.security, []);
    assert.deepEqual(doc.paths['/api/v1/health'].get.tags, ['health']);
    assert.deepEqual(doc.paths['/api/v1/ui-config'].get.tags, ['health'], 'contract tags, not controller names');
    assert.deepEqual(doc.paths['/api/v1/auth/login'].post.security, []);
    assert.equal(doc.paths['/api/v1/auth/ticket'].post.security, undefined, 'inherits the global bearer requirement');
    const login = doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.$ref;
    assert.deepEqual(doc.components.schemas[login.split('/').pop()].properties.password, {
      type: 'string',
      minLength: 1,
      maxLength: 1024,
      format: 'password',
    });
    // Every JSON body any feature declares is documented field by field (derived from its class-validator rules).
    const undocumented: string[] = [];
    for (const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>,
    )) {
      for (const [method, op] of Object.entries(item)) {
        const ref = op.requestBody?.content?.['application/json']?.schema?.$ref;
        if (ref && Object.keys(doc.components.schemas[ref.split('/').pop()!].properties ?? {}).length === 0)
          undocumented.push(`${method.toUpperCase()} ${path}`);
      }
    }
    assert.deepEqual(undocumented, []);
  });

  it('serves Swagger UI publicly while auth is on', async () => {
    const res = await fetch(`${stack.baseUrl}/api/docs`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<title>pi-forge API<\/title>/);
    const css = await fetch(`${stack.baseUrl}/api/docs/swagger-ui.css`);
    assert.equal(css.status, 200);
  });

  /** Opens the terminal WebSocket and resolves with how the server closed it. */
  function terminalClose(query: string, headers: Record<string, string>): Promise<{ code: number; reason: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(
        `${stack.baseUrl.replace('http', 'ws')}/api/v1/terminal?projectId=no-such-project&tabId=edge-test&${query}`,
        { headers },
      );
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('no close within 10 s'));
      }, 10_000);
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
      ws.on('error', () => {});
    });
  }

  it('checks the terminal WebSocket Origin and credentials: ticket once, ?token= for compatibility', async () => {
    const good = { origin: GOOD_ORIGIN };
    assert.deepEqual(await terminalClose(`token=${API_KEY}`, { origin: EVIL_ORIGIN }), { code: 4403, reason: 'origin_not_allowed' });
    assert.deepEqual(await terminalClose('', good), { code: 4401, reason: 'auth_required' });
    const { ticket } = await (await stack.api('/api/v1/auth/ticket', { method: 'POST' })).json();
    wsTicket = ticket;
    // Past auth, the made-up project is what stops it.
    assert.deepEqual(await terminalClose(`ticket=${ticket}`, good), { code: 4404, reason: 'project_not_found' });
    assert.deepEqual(await terminalClose(`ticket=${ticket}`, good), { code: 4401, reason: 'auth_required' }, 'a ticket works once');
    assert.deepEqual(await terminalClose(`token=${API_KEY}`, {}), { code: 4404, reason: 'project_not_found' }, 'no Origin: a script');
    assert.deepEqual(await terminalClose('', { ...good, authorization: `Bearer ${API_KEY}` }), { code: 4404, reason: 'project_not_found' });
  });

  it('never logs the API key or a ticket', async () => {
    assert.ok(wsTicket);
    await assertNotLogged(stack, { 'API key': API_KEY, ticket: wsTicket });
  });
});
