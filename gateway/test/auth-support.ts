// Shared by the auth and edge end-to-end tests: the live route table, login, token crafting, log scans.
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import type { Stack } from '@pi-forge/test-fixtures';

export interface RouteEntry {
  method: string;
  url: string;
}

/** Every route the running gateway registered (its `route table` debug line; needs LOG_LEVEL=debug). */
export function routeTable(stack: Stack): RouteEntry[] {
  const line = [...stack.logs].reverse().find((l) => l.proc === 'gateway' && l.msg === 'route table');
  assert.ok(line, 'the gateway logs its route table at debug level');
  return line.routes as RouteEntry[];
}

/** A concrete path for a route pattern: `:param` and `*` become harmless placeholders. */
export function concretePath(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, 'x0').replace(/\*/g, 'x0');
}

export async function login(stack: Stack, password: string, init: { username?: string; xff?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.xff) headers['x-forwarded-for'] = init.xff;
  return fetch(`${stack.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ password, ...(init.username ? { username: init.username } : {}) }),
    signal: AbortSignal.timeout(10_000),
  });
}

export async function loginToken(stack: Stack, password: string, xff?: string): Promise<string> {
  const res = await login(stack, password, { xff });
  assert.equal(res.status, 200, `login failed: ${await res.clone().text()}`);
  return ((await res.json()) as { token: string }).token;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export function signToken(secret: string, claims: Record<string, unknown> = {}, options: jwt.SignOptions = {}): string {
  return jwt.sign({ mustChangePassword: false, ...claims }, secret, {
    algorithm: 'HS256',
    subject: 'ui-user',
    expiresIn: 3600,
    ...options,
  });
}

/** An unsigned token (`alg: none`) with otherwise perfect claims. */
export function unsignedToken(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'ui-user', mustChangePassword: false, iat: now, exp: now + 3600 })}.`;
}

/**
 * Fails naming the secret if any captured log line contains it. logsSettled() first proves the
 * capture is complete: it waits until a request made after everything else is in the log.
 */
export async function assertNotLogged(stack: Stack, secrets: Record<string, string>): Promise<void> {
  await stack.logsSettled();
  assert.ok(
    stack.rawLog.some((l) => l.includes('"msg":"request"')),
    'request logs were captured',
  );
  for (const [what, value] of Object.entries(secrets)) {
    const hit = stack.rawLog.find((l) => l.includes(value));
    assert.equal(hit, undefined, `${what} appears in the logs: ${hit?.slice(0, 200)}`);
  }
}
