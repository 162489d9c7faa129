import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyWebhookInput } from './webhook-validation.js';
import { rejectsWith } from '../testing/forge-error-code.js';
import { REDACTED, type WebhookConfig, type WebhookInput } from './webhook-types.js';

const fresh = { id: 'w1', createdAt: '2025-01-01T00:00:00.000Z' };
const valid: WebhookInput = { name: 'Hook', url: 'https://example.com/hook', events: ['agent_end'], scope: { kind: 'global' } };
const create = (input: WebhookInput) => applyWebhookInput(undefined, input, fresh);

describe('applyWebhookInput', () => {
  it('creates an enabled webhook with the given fields', () => {
    assert.deepEqual(create({ ...valid, secret: 's3cret', headers: { 'X-Token': 't' }, insecureTls: true }), {
      id: 'w1',
      name: 'Hook',
      url: 'https://example.com/hook',
      events: ['agent_end'],
      scope: { kind: 'global' },
      enabled: true,
      createdAt: fresh.createdAt,
      secret: 's3cret',
      headers: { 'X-Token': 't' },
      insecureTls: true,
    });
  });

  it('refuses bad fields with the contract codes', async () => {
    const cases: [WebhookInput, string][] = [
      [{ ...valid, url: 'not a url' }, 'invalid_url'],
      [{ ...valid, url: 'ftp://example.com/x' }, 'unsupported_protocol'],
      [{ ...valid, url: 'file:///etc/passwd' }, 'unsupported_protocol'],
      [{ ...valid, url: 'javascript:alert(1)' }, 'unsupported_protocol'],
      [{ ...valid, url: 'https://user:pw@example.com/' }, 'invalid_url'],
      [{ ...valid, url: undefined }, 'invalid_url'],
      [{ ...valid, name: '   ' }, 'invalid_name'],
      [{ ...valid, name: 'x'.repeat(201) }, 'invalid_name'],
      [{ ...valid, name: undefined }, 'invalid_name'],
      [{ ...valid, events: [] }, 'no_events'],
      [{ ...valid, events: ['agent_end', 'nope'] }, 'no_events'],
      [{ ...valid, events: ['webhook.test'] }, 'no_events'],
      [{ ...valid, events: undefined }, 'no_events'],
      [{ ...valid, secret: REDACTED }, 'invalid_secret'],
      [{ ...valid, secret: 'x'.repeat(257) }, 'invalid_secret'],
      [{ ...valid, headers: { 'X-A': REDACTED } }, 'invalid_header'],
      [{ ...valid, headers: { 'Bad Name': 'v' } }, 'invalid_header'],
      [{ ...valid, headers: { 'X-A': 'line\r\nInjected: 1' } }, 'invalid_header'],
    ];
    for (const [input, code] of cases) await rejectsWith(async () => create(input), code);
  });

  it('allows http for loopback and homelab receivers', () => {
    assert.equal(create({ ...valid, url: 'http://127.0.0.1:8080/in' }).url, 'http://127.0.0.1:8080/in');
  });

  it('updates only the given fields; empty secret and headers clear, the sentinel keeps a stored header', () => {
    const stored: WebhookConfig = { ...create({ ...valid, secret: 'old', headers: { 'X-A': 'a', 'X-B': 'b' } }) };
    const renamed = applyWebhookInput(stored, { name: 'Renamed' }, stored);
    assert.equal(renamed.name, 'Renamed');
    assert.equal(renamed.secret, 'old');
    assert.deepEqual(renamed.headers, { 'X-A': 'a', 'X-B': 'b' });
    const kept = applyWebhookInput(stored, { headers: { 'X-A': REDACTED, 'X-C': 'c' } }, stored);
    assert.deepEqual(kept.headers, { 'X-A': 'a', 'X-C': 'c' });
    const cleared = applyWebhookInput(stored, { secret: '', headers: {}, insecureTls: false }, stored);
    assert.equal('secret' in cleared, false);
    assert.equal('headers' in cleared, false);
    assert.equal('insecureTls' in cleared, false);
    const scoped = applyWebhookInput(stored, { scope: { kind: 'project', projectId: 'p1' }, enabled: false }, stored);
    assert.deepEqual(scoped.scope, { kind: 'project', projectId: 'p1' });
    assert.equal(scoped.enabled, false);
    assert.equal(stored.name, 'Hook', 'the stored object is not changed in place');
  });
});
