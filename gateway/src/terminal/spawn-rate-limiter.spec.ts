import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SpawnRateLimiter } from './spawn-rate-limiter.js';

describe('SpawnRateLimiter', () => {
  it('allows 10 per minute per IP, then says how long to wait', () => {
    const l = new SpawnRateLimiter();
    for (let i = 0; i < 10; i++) assert.equal(l.take('1.2.3.4', 1000 + i), 0);
    assert.equal(l.take('1.2.3.4', 2000), 60_000 - 1000);
    assert.equal(l.take('5.6.7.8', 2000), 0, 'other IPs are counted apart');
    assert.equal(l.take('1.2.3.4', 61_000), 0, 'the oldest hit left the window');
    l.onModuleDestroy();
  });

  it('forgets idle IPs', () => {
    const l = new SpawnRateLimiter();
    l.take('a', 0);
    l.take('b', 50_000);
    l.sweep(70_000);
    assert.equal(l.trackedIps, 1);
    l.onModuleDestroy();
  });
});
