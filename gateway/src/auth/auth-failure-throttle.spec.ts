import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, loadConfig } from '@pi-forge/runtime';
import { AuthFailureThrottle } from './auth-failure-throttle.js';

test('AuthFailureThrottle blocks an IP for the rest of the window after the limit, per IP', () => {
  const config = loadConfig({
    env: { HOME: '/nonexistent', RATE_LIMIT_AUTH_FAILURE_MAX: '3', RATE_LIMIT_AUTH_FAILURE_WINDOW_MS: '10000' },
  });
  const throttle = new AuthFailureThrottle(config, createLogger('spec', 'silent'));
  let now = 1_000;
  throttle.now = () => now;
  for (let i = 0; i < 2; i++) throttle.recordFailure('a', 'bearer');
  assert.equal(throttle.retryAfterMs('a'), 0);
  throttle.recordFailure('a', 'bearer');
  now += 4_000;
  assert.equal(throttle.retryAfterMs('a'), 6_000);
  assert.equal(throttle.retryAfterMs('b'), 0);
  now += 6_000;
  assert.equal(throttle.retryAfterMs('a'), 0, 'a new window starts clean');
  throttle.recordFailure('a', 'ticket');
  assert.equal(throttle.retryAfterMs('a'), 0);
});
