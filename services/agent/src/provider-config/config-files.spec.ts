import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeProviderSecrets, migrateProvider, redactProviders, REDACTED, stripDangerousKeys } from './config-files.js';

test('redactProviders hides every apiKey and migrates apiKeyCommand first', () => {
  const out = redactProviders({ a: { apiKey: 'sk-secret', baseUrl: 'u' }, b: { apiKeyCommand: ['pass', 'show x'] }, c: { baseUrl: 'v' } });
  assert.deepEqual(out, { a: { apiKey: REDACTED, baseUrl: 'u' }, b: { apiKey: REDACTED }, c: { baseUrl: 'v' } });
  assert.ok(!JSON.stringify(out).includes('sk-secret'));
});

test('migrateProvider quotes argv parts', () => {
  assert.deepEqual(migrateProvider({ apiKeyCommand: ['pass', "it's"] }), { apiKey: `!pass 'it'\\''s'` });
});

test('mergeProviderSecrets keeps the stored key for the sentinel and drops it when there is none', () => {
  const stored = { a: { apiKey: 'sk-old' } };
  const merged = mergeProviderSecrets({ a: { apiKey: REDACTED, baseUrl: 'x' }, b: { apiKey: REDACTED }, c: { apiKey: 'sk-new' } }, stored);
  assert.deepEqual(merged, { a: { apiKey: 'sk-old', baseUrl: 'x' }, b: {}, c: { apiKey: 'sk-new' } });
});

test('stripDangerousKeys removes prototype keys at any depth', () => {
  const input = JSON.parse('{"a":{"__proto__":{"x":1},"ok":[{"constructor":1,"y":2}]},"prototype":3}');
  assert.deepEqual(stripDangerousKeys(input), { a: { ok: [{ y: 2 }] } });
});

test('redactProviders hides custom header values, provider-level and per model; a PUT of the sentinel keeps them', () => {
  const stored = {
    a: {
      baseUrl: 'u',
      headers: { 'X-Auth': 'secret-1', 'X-Org': 'org' },
      models: [{ id: 'm1', headers: { Authorization: 'Bearer secret-2' } }],
    },
  };
  const out = redactProviders(stored);
  assert.deepEqual(out, {
    a: { baseUrl: 'u', headers: { 'X-Auth': REDACTED, 'X-Org': REDACTED }, models: [{ id: 'm1', headers: { Authorization: REDACTED } }] },
  });
  assert.ok(!JSON.stringify(out).includes('secret'));
  const incoming = {
    a: {
      baseUrl: 'u',
      headers: { 'X-Auth': REDACTED, 'X-Org': 'new-org', 'X-Gone': REDACTED },
      models: [{ id: 'm1', headers: { Authorization: REDACTED } }],
    },
  };
  assert.deepEqual(mergeProviderSecrets(incoming, stored), {
    a: {
      baseUrl: 'u',
      headers: { 'X-Auth': 'secret-1', 'X-Org': 'new-org' },
      models: [{ id: 'm1', headers: { Authorization: 'Bearer secret-2' } }],
    },
  });
});
