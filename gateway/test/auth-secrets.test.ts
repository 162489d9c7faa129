// What auth keeps on disk and in memory: the generated JWT key and the password hash (0600, stable
// across a gateway restart; deleting jwt-secret rotates it), and one-time tickets that expire.
// Also EXPOSE_DOCS=false.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, waitFor, type Stack } from '@pi-forge/test-fixtures';
import { assertNotLogged, bearer, login, loginToken } from './auth-support.js';

const ENV_PASSWORD = 'secrets-env-password-Lm4';
const NEW_PASSWORD = 'secrets-new-password-Pw9';
const API_KEY = 'secrets-api-key-5e1d9c3b7a2f4e6d8c0b';

describe('auth: jwt-secret, password-hash, tickets', () => {
  let stack: Stack;
  let secretFile = '';
  let hashFile = '';
  const seen: Record<string, string> = {};

  const session = (token: string) => fetch(`${stack.baseUrl}/api/v1/auth/session`, { headers: bearer(token) });
  async function restartGateway(): Promise<void> {
    const old = await stack.kill9('gateway');
    // A loaded CI machine can take several seconds to load the gateway's modules; startStack allows 30 s too.
    await waitFor('gateway back', async () => stack.pid('gateway') !== old && (await stack.health()).status === 'ok', 30_000);
  }
  async function ticket(): Promise<string> {
    const res = await stack.api('/api/v1/auth/ticket', { method: 'POST', json: { for: 'stream' } });
    assert.equal(res.status, 200);
    const body = await res.json();
    const ttl = Date.parse(body.expiresAt) - Date.now();
    assert.ok(ttl > 0 && ttl <= 3_000, `ticket lifetime ${ttl} ms (AUTH_TICKET_TTL_MS=3000)`);
    seen[`ticket ${Object.keys(seen).length}`] = body.ticket;
    return body.ticket;
  }

  before(async () => {
    stack = await startStack({
      name: 'auth-secrets',
      env: { UI_PASSWORD: ENV_PASSWORD, API_KEY, AUTH_TICKET_TTL_MS: '3000', EXPOSE_DOCS: 'false' },
    });
    secretFile = join(stack.dirs.data, 'jwt-secret');
    hashFile = join(stack.dirs.data, 'password-hash');
  });
  after(async () => {
    await stack?.dispose();
  });

  it('generates jwt-secret once, mode 0600, and keeps it (and its tokens) across a restart', async () => {
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    const secret = readFileSync(secretFile, 'utf8').trim();
    assert.ok(secret.length >= 32);
    seen['jwt secret'] = secret;
    const token = await loginToken(stack, ENV_PASSWORD);
    seen['token before restart'] = token;
    await restartGateway();
    assert.equal(readFileSync(secretFile, 'utf8').trim(), secret);
    assert.equal((await session(token)).status, 200, 'a token from before the restart still works');
  });

  it('keeps a changed password (0600 hash) across a restart', async () => {
    const token = await loginToken(stack, ENV_PASSWORD);
    const res = await fetch(`${stack.baseUrl}/api/v1/auth/change-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ currentPassword: ENV_PASSWORD, newPassword: NEW_PASSWORD }),
    });
    assert.equal(res.status, 200);
    const hash = readFileSync(hashFile, 'utf8');
    // The API key is not a user: it cannot change the password (docs/compatibility.md#auth).
    const byKey = await stack.api('/api/v1/auth/change-password', {
      method: 'POST',
      json: { currentPassword: NEW_PASSWORD, newPassword: 'api-key-cannot-do-this' },
    });
    assert.equal(byKey.status, 401);
    assert.equal((await byKey.json()).error, 'auth_required');
    assert.equal(readFileSync(hashFile, 'utf8'), hash);
    await restartGateway();
    assert.equal(statSync(hashFile).mode & 0o777, 0o600);
    assert.equal(readFileSync(hashFile, 'utf8'), hash);
    assert.equal((await login(stack, ENV_PASSWORD)).status, 401);
    seen['token after change'] = await loginToken(stack, NEW_PASSWORD);
  });

  it('rotates the key when jwt-secret is deleted: old tokens stop working', async () => {
    const old = seen['token after change'];
    assert.equal((await session(old)).status, 200);
    rmSync(secretFile);
    await restartGateway();
    const rotated = readFileSync(secretFile, 'utf8').trim();
    assert.notEqual(rotated, seen['jwt secret']);
    seen['rotated secret'] = rotated;
    const res = await session(old);
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, 'invalid_token');
    const fresh = await loginToken(stack, NEW_PASSWORD);
    seen['token after rotation'] = fresh;
    assert.equal((await session(fresh)).status, 200);
  });

  /** The SSE route takes stream tickets; past auth, the made-up session answers 404. */
  const stream = (t: string) =>
    fetch(`${stack.baseUrl}/api/v1/sessions/no-such-session/stream?ticket=${t}`, { signal: AbortSignal.timeout(10_000) });

  it('accepts a ticket once, on GET only', async () => {
    const t = await ticket();
    // A mutation never authenticates by URL, and does not spend the ticket.
    let res = await fetch(`${stack.baseUrl}/api/v1/auth/ticket?ticket=${t}`, { method: 'POST' });
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, 'missing_token');
    res = await stream(t);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error, 'session_not_found');
    res = await stream(t);
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, 'invalid_token');
  });

  it('lets a ticket expire unused', async () => {
    const t = await ticket();
    await new Promise((r) => setTimeout(r, 3_100));
    const res = await stream(t);
    assert.equal(res.status, 401);
  });

  it('serves no docs with EXPOSE_DOCS=false', async () => {
    for (const path of ['/api/docs', '/api/docs/json', '/api/docs/yaml', '/api/docs/swagger-ui.css']) {
      const res = await fetch(`${stack.baseUrl}${path}`);
      assert.equal(res.status, 404, path);
      assert.equal((await res.json()).error, 'not_found');
    }
  });

  it('never logs the passwords, the key, the secrets, tokens or tickets', async () => {
    await assertNotLogged(stack, { 'env password': ENV_PASSWORD, 'new password': NEW_PASSWORD, 'API key': API_KEY, ...seen });
  });
});
