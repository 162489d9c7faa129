import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForgeMetrics } from './forge-metrics.js';

describe('ForgeMetrics.trackSseClient', () => {
  it('counts open streams and ignores a second release of the same stream', async () => {
    const m = new ForgeMetrics();
    const a = m.trackSseClient();
    const b = m.trackSseClient();
    assert.equal((await m.sseClients.get()).values[0].value, 2);
    a();
    a();
    assert.equal((await m.sseClients.get()).values[0].value, 1);
    b();
    assert.equal((await m.sseClients.get()).values[0].value, 0);
  });
});
