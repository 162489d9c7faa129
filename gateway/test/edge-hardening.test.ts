// Issue 12.9 (gateway parts) from outside: a slowloris connection is cut off; a password change revokes
// earlier JWTs; a short JWT_SECRET stops the start; a ticket works only on the kind of route it was
// issued for; percent-encoded `?token=`/`?ticket=` are redacted in the real log; GET /config/models
// hides custom header values; an upload cannot make the gateway buffer unbounded form fields.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { seedProject, startStack, waitFor, type Stack } from '@pi-forge/test-fixtures';
import { assertNotLogged, bearer, loginToken } from './auth-support.js';

const PASSWORD = 'hardening-password-Vt8';
const NEW_PASSWORD = 'hardening-new-password-Kp2';
const API_KEY = 'hardening-api-key-1a3c5e7g9i0k2m4o6q8s';
const HEADER_SECRET = 'hardening-header-secret-3e5f7a9b';
const REDACTED = '***REDACTED***';

describe('edge hardening: timeouts, token revocation, ticket scope, redaction, field caps', () => {
  let stack: Stack;
  const seen: Record<string, string> = {};

  before(async () => {
    stack = await startStack({
      name: 'edge-hardening',
      env: { UI_PASSWORD: PASSWORD, API_KEY, HTTP_HEADERS_TIMEOUT_MS: '1500', RATE_LIMIT_AUTH_FAILURE_MAX: '1000' },
    });
  });
  after(async () => {
    await stack?.dispose();
  });

  it('closes a connection that trickles its headers (slowloris)', async () => {
    const socket = connect(stack.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    let lines = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write(`X-Slow-${lines++}: a\r\n`);
    }, 300);
    let received = '';
    socket.on('data', (d) => {
      received += d.toString();
    });
    socket.on('error', () => {});
    try {
      await waitFor(
        'the gateway to close the slow connection',
        () => socket.destroyed || socket.readableEnded || received.length > 0,
        20_000,
      );
      await waitFor('the socket to close', () => socket.destroyed || socket.readableEnded, 5_000);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    assert.ok(!received.startsWith('HTTP/1.1 200'), `the request was never answered as if complete: ${received.slice(0, 40)}`);
    assert.equal((await stack.health()).status, 'ok');
  });

  it('revokes every earlier session token when the password changes', async () => {
    const older = await loginToken(stack, PASSWORD);
    const current = await loginToken(stack, PASSWORD);
    seen['older token'] = older;
    const session = (token: string) => fetch(`${stack.baseUrl}/api/v1/auth/session`, { headers: bearer(token) });
    assert.equal((await session(older)).status, 200);
    const res = await fetch(`${stack.baseUrl}/api/v1/auth/change-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(current) },
      body: JSON.stringify({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }),
    });
    assert.equal(res.status, 200);
    const fresh = ((await res.json()) as { token: string }).token;
    seen['fresh token'] = fresh;
    for (const token of [older, current]) {
      const r = await session(token);
      assert.equal(r.status, 401);
      assert.equal((await r.json()).error, 'invalid_token');
    }
    assert.equal((await session(fresh)).status, 200, 'the token change-password returned works');
    assert.equal((await session(await loginToken(stack, NEW_PASSWORD))).status, 200);
  });

  async function ticket(scope?: string): Promise<string> {
    const res = await stack.api('/api/v1/auth/ticket', { method: 'POST', ...(scope ? { json: { for: scope } } : {}) });
    assert.equal(res.status, 200);
    const { ticket: t } = (await res.json()) as { ticket: string };
    seen[`ticket ${Object.keys(seen).length}`] = t;
    return t;
  }

  function terminal(query: string): Promise<{ code: number; reason: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${stack.baseUrl.replace('http', 'ws')}/api/v1/terminal?projectId=no-such-project&tabId=scope&${query}`);
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

  it('takes a ticket only on the kind of route it was issued for', async () => {
    const stream = (t: string) =>
      fetch(`${stack.baseUrl}/api/v1/sessions/no-such-session/stream?ticket=${t}`, { signal: AbortSignal.timeout(10_000) });
    // A terminal ticket (the default) on the SSE route: refused.
    let res = await stream(await ticket());
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, 'invalid_token');
    // A stream ticket on the terminal: refused.
    assert.deepEqual(await terminal(`ticket=${await ticket('stream')}`), { code: 4401, reason: 'auth_required' });
    // A stream ticket on an ordinary read: refused (no route but the streams takes tickets).
    res = await fetch(`${stack.baseUrl}/api/v1/auth/session?ticket=${await ticket('stream')}`);
    assert.equal(res.status, 401);
    // Each on its own route: past auth (the made-up session or project is what stops them).
    res = await stream(await ticket('stream'));
    assert.equal(res.status, 404, await res.clone().text());
    assert.equal((await res.json()).error, 'session_not_found');
    assert.deepEqual(await terminal(`ticket=${await ticket('terminal')}`), { code: 4404, reason: 'project_not_found' });
    const bad = await stack.api('/api/v1/auth/ticket', { method: 'POST', json: { for: 'anything' } });
    assert.equal(bad.status, 400);
  });

  it('redacts percent-encoded and differently cased ?token= / ?ticket= in the real log', async () => {
    const secrets = {
      a: 'pct-token-secret-9f8e7d6c',
      b: 'pct-ticket-secret-5b4a3c2d',
      c: 'cased-token-secret-1a2b3c4d',
      d: 'api-key-param-secret-7e8f9a0b',
    };
    for (const path of [
      `/api/v1/health?%74oken=${secrets.a}`,
      `/api/v1/projects?%74%69cket=${secrets.b}`,
      `/api/v1/health?TOKEN=${secrets.c}&x=1`,
      `/api/v1/health?api%5Fkey=${secrets.d}`,
    ]) {
      const res = await fetch(`${stack.baseUrl}${path}`);
      await res.arrayBuffer();
    }
    await stack.logsSettled();
    assert.ok(
      stack.rawLog.some((l) => l.includes('"url":"/api/v1/health?%74oken=REDACTED"')),
      'the request was logged, redacted',
    );
    await assertNotLogged(stack, secrets);
  });

  it('redacts custom provider header values in GET /config/models and keeps them through a PUT of the sentinel', async () => {
    const providers = {
      custom: {
        baseUrl: 'http://127.0.0.1:9/v1',
        api: 'openai-completions',
        headers: { 'X-Api-Token': HEADER_SECRET },
        models: [
          {
            id: 'c-model',
            name: 'C',
            reasoning: false,
            input: ['text'],
            contextWindow: 1000,
            maxTokens: 100,
            cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
            headers: { Authorization: `Bearer ${HEADER_SECRET}` },
          },
        ],
      },
    };
    let res = await stack.api('/api/v1/config/models', { method: 'PUT', json: { providers } });
    assert.equal(res.status, 200, await res.clone().text());
    assert.ok(!(await res.text()).includes(HEADER_SECRET), 'not in the PUT answer');
    res = await stack.api('/api/v1/config/models');
    const text = await res.text();
    assert.ok(!text.includes(HEADER_SECRET), 'not in the GET answer');
    const got = JSON.parse(text) as { providers: typeof providers };
    assert.equal(got.providers.custom.headers['X-Api-Token'], REDACTED);
    assert.equal(got.providers.custom.models[0].headers.Authorization, REDACTED);
    res = await stack.api('/api/v1/config/models', { method: 'PUT', json: { providers: got.providers } });
    assert.equal(res.status, 200);
    const stored = JSON.parse(readFileSync(join(stack.dirs.piConfig, 'models.json'), 'utf8')) as { providers: typeof providers };
    assert.equal(stored.providers.custom.headers['X-Api-Token'], HEADER_SECRET, 'the sentinel kept the stored value');
    assert.equal(stored.providers.custom.models[0].headers.Authorization, `Bearer ${HEADER_SECRET}`);
    await assertNotLogged(stack, { 'header secret': HEADER_SECRET });
  });

  it('caps multipart form fields of an upload: 413 fields_too_large for one huge field or too many bytes in all', async () => {
    const project = seedProject(stack.dirs, 'fields-project');
    const upload = (form: FormData) => stack.api('/api/v1/files/upload', { method: 'POST', body: form });
    let form = new FormData();
    form.set('projectId', project.id);
    form.set('parentPath', project.path);
    form.set('path:0', 'x'.repeat(200 * 1024));
    form.set('file:0', new Blob(['hello']), 'a.txt');
    let res = await upload(form);
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error, 'fields_too_large');
    form = new FormData();
    form.set('projectId', project.id);
    form.set('parentPath', project.path);
    for (let i = 0; i < 80; i++) form.set(`note:${i}`, 'y'.repeat(60 * 1024));
    form.set('file:0', new Blob(['hello']), 'b.txt');
    res = await upload(form);
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error, 'fields_too_large');
    // Ordinary fields still work.
    form = new FormData();
    form.set('projectId', project.id);
    form.set('parentPath', project.path);
    form.set('file:0', new Blob(['hello']), 'c.txt');
    res = await upload(form);
    assert.equal(res.status, 200, await res.clone().text());
  });

  it('never logs the passwords, the API key, tokens or tickets', async () => {
    await assertNotLogged(stack, { password: PASSWORD, 'new password': NEW_PASSWORD, 'API key': API_KEY, ...seen });
  });
});

describe('edge hardening: JWT_SECRET minimum length', () => {
  it('refuses to start with a JWT_SECRET under 32 characters: exit 2 and a message naming it', async () => {
    const secret = 'too-short-jwt-secret';
    const stack = await startStack({ name: 'short-jwt-secret', env: { UI_PASSWORD: PASSWORD, JWT_SECRET: secret }, waitReady: false });
    try {
      await waitFor('the launcher to exit by itself', () => stack.launcher.exitCode !== null || stack.launcher.signalCode !== null, 30_000);
      assert.equal(stack.launcher.exitCode, 2);
      assert.ok(
        stack.rawLog.some((l) => l.includes('JWT_SECRET must be at least 32 characters')),
        stack.rawLog.slice(-5).join('\n'),
      );
      assert.ok(!stack.rawLog.some((l) => l.includes(secret)), 'the secret itself is not printed');
    } finally {
      await stack.dispose();
    }
  });
});
