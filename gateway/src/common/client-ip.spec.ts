import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientIpFrom } from './client-ip.js';

test('without TRUST_PROXY the socket address wins whatever X-Forwarded-For says', () => {
  assert.equal(clientIpFrom('10.0.0.1', '1.2.3.4', false, 1), '10.0.0.1');
});

test('with TRUST_PROXY the entry TRUST_PROXY_HOPS from the right end counts, never the leftmost', () => {
  assert.equal(clientIpFrom('10.0.0.1', 'spoofed, 5.6.7.8', true, 1), '5.6.7.8');
  assert.equal(clientIpFrom('10.0.0.1', ['spoofed', '5.6.7.8, 10.0.0.2'], true, 2), '5.6.7.8');
  assert.equal(clientIpFrom('10.0.0.1', '5.6.7.8', true, 3), '5.6.7.8', 'fewer entries than hops: the leftmost there is');
  assert.equal(clientIpFrom('10.0.0.1', undefined, true, 1), '10.0.0.1');
  assert.equal(clientIpFrom('10.0.0.1', ' , ', true, 1), '10.0.0.1');
});

test('Fastify derives req.ip by the same rule', async () => {
  const { default: Fastify } = await import('fastify');
  const { fastifyTrustProxy } = await import('./client-ip.js');
  for (const [hops, expected] of [
    [1, '203.0.113.5'],
    [2, '10.1.1.1'],
  ] as const) {
    const app = Fastify({ trustProxy: fastifyTrustProxy({ TRUST_PROXY: true, TRUST_PROXY_HOPS: hops }) as never });
    app.get('/', (req) => ({ ip: req.ip }));
    const res = await app.inject({
      url: '/',
      headers: { 'x-forwarded-for': '9.9.9.9, 10.1.1.1, 203.0.113.5' },
      remoteAddress: '127.0.0.1',
    });
    assert.equal(res.json().ip, expected, `${hops} hops`);
    await app.close();
  }
});
