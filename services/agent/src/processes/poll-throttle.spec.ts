import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PollThrottle } from './poll-throttle.js';

describe('PollThrottle', () => {
  it('suppresses the same answer within the window, never a changed one or a later one', () => {
    let now = 1_000;
    const t = new PollThrottle(15_000, () => now);
    assert.equal(t.suppress('output:a', 'x'), false);
    now += 5_000;
    assert.equal(t.suppress('output:a', 'x'), true);
    assert.equal(t.suppress('output:b', 'x'), false, 'another poll key');
    assert.equal(t.suppress('output:a', 'y'), false, 'changed answer');
    now += 15_000;
    assert.equal(t.suppress('output:a', 'y'), false, 'window passed');
  });
});
