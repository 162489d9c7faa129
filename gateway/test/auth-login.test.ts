// Password login end to end: bad input, the forced password change, argon2id on disk, lock-out of the
// checked identity (not the unchecked username), the per-IP rate limit with X-Forwarded-For honoured (TRUST_PROXY=true), and a password
// hash from the original (scrypt) that still logs in and is upgraded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type Stack } from '@pi-forge/test-fixtures';
import { assertNotLogged, bearer, login } from './auth-support.js';

const ENV_PASSWORD = 'first-login-password-Kq2';
const NEW_PASSWORD = 'changed-password-Zr8-long';
const LEGACY_PASSWORD = 'legacy-scrypt-password-Hn5';

describe('auth: login, forced change, lock-out, rate limit', () => {
  let stack: Stack;
  const tokens: string[] = [];
  let hashFile = '';
  let ipCounter = 0;
  /** A fresh client IP per test, so one test's login count never trips another's limit. */
  const freshIp = () => `10.20.0.${++ipCounter}`;

  before(async () => {
    stack = await startStack({
      name: 'auth-login',
      env: {
        UI_PASSWORD: ENV_PASSWORD,
        REQUIRE_PASSWORD_CHANGE: 'true',
        LOGIN_ATTEMPT_LIMIT_MAX: '3',
        LOGIN_LOCKOUT_MS: '3000',
        TRUST_PROXY: 'true',
      },
    });
    hashFile = join(stack.dirs.data, 'password-hash');
  });
  after(async () => {
    await stack?.dispose();
  });

  it('rejects bad login bodies with 400 validation_failed and writes nothing', async () => {
    const ip = freshIp();
    for (const body of [{}, { password: '' }, { password: 42 }, { password: 'x'.repeat(1025) }, { password: 'x', username: '' }]) {
      const res = await fetch(`${stack.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      const answer = await res.json();
      assert.equal(answer.error, 'validation_failed');
      assert.ok(answer.fields.password || answer.fields.username, JSON.stringify(answer));
    }
    assert.equal(existsSync(hashFile), false);
  });

  it('answers a wrong password 401 invalid_password', async () => {
    const res = await login(stack, 'not-the-password', { xff: freshIp(), username: 'wrong-once' });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: 'invalid_password', message: 'the password did not match' });
  });

  it('forces a password change: the env password yields a restricted token', async () => {
    const res = await login(stack, ENV_PASSWORD, { xff: freshIp() });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.mustChangePassword, true);
    assert.ok(Date.parse(body.expiresAt) > Date.now() + 6 * 24 * 3600 * 1000, 'seven-day lifetime');
    tokens.push(body.token);
    for (const [method, path] of [
      ['GET', '/api/v1/auth/session'],
      ['POST', '/api/v1/auth/ticket'],
    ]) {
      const denied = await fetch(`${stack.baseUrl}${path}`, { method, headers: bearer(body.token) });
      assert.equal(denied.status, 403, path);
      assert.equal((await denied.json()).error, 'must_change_password');
    }
  });

  it('checks change-password inputs: token, current password, new password', async () => {
    const restricted = tokens[0];
    const change = (headers: Record<string, string>, body: unknown) =>
      fetch(`${stack.baseUrl}/api/v1/auth/change-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp(), ...headers },
        body: JSON.stringify(body),
      });
    let res = await change({}, { currentPassword: ENV_PASSWORD, newPassword: NEW_PASSWORD });
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, 'auth_required');
    res = await change(bearer('garbage'), { currentPassword: ENV_PASSWORD, newPassword: NEW_PASSWORD });
    assert.equal((await res.json()).error, 'auth_required');
    res = await change(bearer(restricted), { currentPassword: 'wrong-current', newPassword: NEW_PASSWORD });
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, 'invalid_password');
    res = await change(bearer(restricted), { currentPassword: ENV_PASSWORD, newPassword: ENV_PASSWORD });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, 'password_unchanged');
    res = await change(bearer(restricted), { currentPassword: ENV_PASSWORD, newPassword: 'short' });
    assert.equal(res.status, 400);
    const answer = await res.json();
    assert.equal(answer.error, 'validation_failed');
    assert.ok(answer.fields.newPassword);
    assert.equal(existsSync(hashFile), false, 'no bad input wrote a hash');
  });

  it('stores an argon2id hash (0600) and from then on only the new password logs in', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/auth/change-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp(), ...bearer(tokens[0]) },
      body: JSON.stringify({ currentPassword: ENV_PASSWORD, newPassword: NEW_PASSWORD }),
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.mustChangePassword, false);
    tokens.push(body.token);
    assert.equal((await fetch(`${stack.baseUrl}/api/v1/auth/session`, { headers: bearer(body.token) })).status, 200);

    assert.equal(statSync(hashFile).mode & 0o777, 0o600);
    const stored = readFileSync(hashFile, 'utf8').trim();
    const phc = /^\$argon2id\$v=19\$([a-z=0-9,]+)\$/.exec(stored);
    assert.ok(phc, stored.slice(0, 30));
    const params = Object.fromEntries(phc[1].split(',').map((kv) => kv.split('='))) as Record<string, string>;
    // OWASP minimum for argon2id: m ≥ 19 MiB with t ≥ 2, p ≥ 1.
    assert.ok(Number(params.m) >= 19_456 && Number(params.t) >= 2 && Number(params.p) >= 1, phc[1]);
    assert.ok(!stored.includes(NEW_PASSWORD));

    assert.equal((await login(stack, ENV_PASSWORD, { xff: freshIp() })).status, 401, 'the env password is ignored once a hash exists');
    const again = await login(stack, NEW_PASSWORD, { xff: freshIp() });
    assert.equal(again.status, 200);
    assert.equal((await again.json()).mustChangePassword, false, 'a stored password is never restricted');
  });

  it('locks the checked identity after LOGIN_ATTEMPT_LIMIT_MAX failures (423), before checking the password', async () => {
    // Issue 12.2: with LDAP off the one local password is checked whatever username is sent, so a fresh
    // random name per guess must not get fresh attempts. Three guesses under three names lock the admin.
    for (const username of ['Mallory', 'random-1f3a', undefined])
      assert.equal((await login(stack, 'wrong', { username, xff: freshIp() })).status, 401);
    for (const username of [' mallory ', 'never-used-name', undefined]) {
      const locked = await login(stack, NEW_PASSWORD, { username, xff: freshIp() });
      assert.equal(locked.status, 423, `locked for ${String(username)}, even with the right password`);
      const body = await locked.json();
      assert.equal(body.error, 'login_locked');
      assert.match(body.message, /^too many failed login attempts; try again in \d+ seconds$/);
      assert.ok(Date.parse(body.lockedUntil) > Date.now());
    }
    const { lockedUntil } = await (await login(stack, NEW_PASSWORD, { xff: freshIp() })).json();
    // LOGIN_LOCKOUT_MS=3000 here: long enough that a slow machine still sees the lock, short enough to wait out
    await new Promise((r) => setTimeout(r, Date.parse(lockedUntil) - Date.now() + 100));
    assert.equal((await login(stack, NEW_PASSWORD, { username: 'mallory', xff: freshIp() })).status, 200);
  });

  it('resets the failure count on a successful login', async () => {
    // limit 3: two failures, a success, two more failures — never locked
    for (const password of ['wrong-a', 'wrong-b', NEW_PASSWORD, 'wrong-c', 'wrong-d']) {
      const res = await login(stack, password, { xff: freshIp() });
      assert.equal(res.status, password === NEW_PASSWORD ? 200 : 401, password);
    }
    assert.equal((await login(stack, NEW_PASSWORD, { xff: freshIp() })).status, 200);
  });

  it('limits logins per client IP: the 11th in the window is 429 with Retry-After; X-Forwarded-For is honoured', async () => {
    const ip = freshIp();
    // Invalid bodies (400) still count against the per-IP limit, which runs first, but not against the
    // lock-out: the two are separate, and this test must not lock the admin for the next one.
    for (let i = 0; i < 10; i++) assert.equal((await login(stack, '', { username: `rl-${i}`, xff: ip })).status, 400, `attempt ${i + 1}`);
    const limited = await login(stack, NEW_PASSWORD, { xff: ip });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(limited.headers.get('x-ratelimit-limit'), '10');
    const body = await limited.json();
    assert.deepEqual({ ...body, message: undefined }, { statusCode: 429, error: 'Too Many Requests', message: undefined });
    assert.match(body.message, /^Rate limit exceeded, retry in /);
    // With TRUST_PROXY the forwarded address is the client: another one has its own bucket.
    assert.equal((await login(stack, NEW_PASSWORD, { xff: freshIp() })).status, 200);
    // change-password counts separately from login
    const change = await fetch(`${stack.baseUrl}/api/v1/auth/change-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: '{}',
    });
    assert.notEqual(change.status, 429);
  });

  it('still accepts a scrypt hash from the original and upgrades it to argon2id', async () => {
    const salt = randomBytes(16);
    const key = scryptSync(LEGACY_PASSWORD, salt, 64, { N: 16384, r: 8, p: 1 });
    writeFileSync(hashFile, `scrypt$16384$8$1$${salt.toString('base64')}$${key.toString('base64')}\n`, { mode: 0o600 });
    assert.equal((await login(stack, NEW_PASSWORD, { xff: freshIp() })).status, 401);
    const res = await login(stack, LEGACY_PASSWORD, { xff: freshIp() });
    assert.equal(res.status, 200);
    tokens.push((await res.json()).token);
    const upgraded = readFileSync(hashFile, 'utf8');
    assert.match(upgraded, /^\$argon2id\$/);
    assert.equal(statSync(hashFile).mode & 0o777, 0o600);
    assert.equal((await login(stack, LEGACY_PASSWORD, { xff: freshIp() })).status, 200, 'the upgraded hash verifies');
  });

  it('logs failures and lock-outs, but never a password, a token or a non-admin username', async () => {
    assert.ok(stack.logs.some((l) => l.msg === 'failed login' && l.user === 'admin'));
    assert.ok(stack.logs.some((l) => l.msg === 'too many failed logins; username locked' && l.user === 'admin'));
    await assertNotLogged(stack, {
      'env password': ENV_PASSWORD,
      'new password': NEW_PASSWORD,
      'legacy password': LEGACY_PASSWORD,
      // a username may be a password typed into the wrong field
      username: 'mallory',
      'typed username': 'Mallory',
      ...Object.fromEntries(tokens.map((t, i) => [`token ${i}`, t])),
    });
  });
});
