import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryHeaders, signatureOf } from './webhook-request.js';
import { REDACTED, type WebhookConfig } from './webhook-types.js';

const webhook: WebhookConfig = {
  id: 'w1',
  name: 'Hook',
  url: 'https://example.com/',
  events: ['agent_end'],
  scope: { kind: 'global' },
  enabled: true,
  createdAt: '2025-01-01T00:00:00.000Z',
};

describe('webhook request', () => {
  it('signs with HMAC-SHA256 over the exact body (RFC 4231-style known vector)', () => {
    // The well-known HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    assert.equal(
      signatureOf('key', 'The quick brown fox jumps over the lazy dog'),
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('sends the fixed headers, the signature only with a secret, custom headers except reserved names and sentinels', () => {
    const delivery = { deliveryId: 'd1', event: 'agent_end', body: '{"a":1}' };
    const plain = deliveryHeaders(webhook, delivery);
    assert.deepEqual(plain, {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'pi-forge-webhook/1.0',
      'X-Pi-Forge-Event': 'agent_end',
      'X-Pi-Forge-Delivery': 'd1',
    });
    const signed = deliveryHeaders(
      {
        ...webhook,
        secret: 'shh',
        headers: {
          'X-Custom': 'yes',
          'content-type': 'text/plain',
          'X-PI-FORGE-EVENT': 'forged',
          'user-agent': 'x',
          'X-Kept-Secret': REDACTED,
        },
      },
      delivery,
    );
    assert.equal(signed['X-Pi-Forge-Signature'], signatureOf('shh', '{"a":1}'));
    assert.equal(signed['X-Custom'], 'yes');
    assert.equal(signed['Content-Type'], 'application/json; charset=utf-8');
    assert.equal(signed['X-Pi-Forge-Event'], 'agent_end');
    for (const gone of ['content-type', 'X-PI-FORGE-EVENT', 'user-agent', 'X-Kept-Secret']) assert.equal(gone in signed, false, gone);
  });
});
