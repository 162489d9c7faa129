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
