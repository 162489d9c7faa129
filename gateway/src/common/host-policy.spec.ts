import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@pi-forge/runtime';
import type { AuthGate } from '../auth/auth-gate.js';
import { OriginPolicy } from './cors.js';
import { HostPolicy, hostnameOf } from './host-policy.js';

const policy = (env: Record<string, string>, enabled = false) => {
  const config = loadConfig({ env: { HOME: '/nonexistent', ...env } });
  return new HostPolicy(config, { enabled } as AuthGate, new OriginPolicy(config));
};

test('hostnameOf strips ports, brackets, case and a trailing dot', () => {
  assert.equal(hostnameOf('LocalHost.:3000'), 'localhost');
  assert.equal(hostnameOf('[::1]:3000'), '::1');
  assert.equal(hostnameOf('forge.lan'), 'forge.lan');
});

test('with auth off: loopback, HOST and ALLOWED_HOSTS only; own, known or pinned origins only', () => {
  const p = policy({ HOST: '192.168.1.5', ALLOWED_HOSTS: 'forge.lan', CORS_ORIGIN: 'https://pinned.test' });
  for (const host of ['127.0.0.1:3000', 'localhost', 'app.localhost:1', '[::1]:3000', '192.168.1.5:3000', 'forge.lan'])
    assert.deepEqual(p.check({ host }), { ok: true }, host);
  assert.equal(p.check({ host: 'evil.test' }).ok, false);
  assert.equal(p.check({ host: 'localhost.evil.test' }).ok, false);
  assert.deepEqual(p.check({}), { ok: true }, 'no Host: not a browser');
  assert.equal(p.check({ host: 'forge.lan', origin: 'https://evil.test' }).ok, false);
  assert.equal(p.check({ host: 'forge.lan', origin: 'null' }).ok, false);
  for (const origin of ['http://forge.lan', 'http://localhost:5173', 'https://pinned.test'])
    assert.deepEqual(p.check({ host: 'forge.lan', origin }), { ok: true }, origin);
});

test('with auth on, Host and Origin are left to credentials and CORS', () => {
  assert.deepEqual(policy({}, true).check({ host: 'evil.test', origin: 'https://evil.test' }), { ok: true });
});

test('a wildcard HOST adds no name', () => {
  assert.equal(policy({ HOST: '0.0.0.0' }).check({ host: '0.0.0.0:3000' }).ok, false);
});
