import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useWebhooksStore } from './webhooks';

function json(body: unknown, status = 200) {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const hook = {
  id: 'w1',
  name: 'CI',
  url: 'https://ci.example/hook',
  events: ['agent_end'],
  scope: { kind: 'global' },
  enabled: true,
  hasSecret: true,
  createdAt: '',
};

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => vi.unstubAllGlobals());

describe('webhooks store', () => {
  it('an empty secret on edit is not sent (keeps the stored one), a typed one is; the list reloads', async () => {
    const calls: { url: string; method: string; body: unknown }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        calls.push({ url, method: init.method ?? 'GET', body: init.body ? JSON.parse(String(init.body)) : undefined });
        return json(init.method === 'PATCH' || init.method === 'POST' ? hook : { webhooks: [hook] });
      }),
    );
    const store = useWebhooksStore();
    await store.save('w1', { name: 'CI', secret: '' });
    await store.save('w1', { secret: 'new-secret' });
    await store.save(null, { name: 'New', url: 'https://x.example/', events: ['session_created'], scope: { kind: 'global' }, secret: '' });
    const writes = calls.filter((c) => c.method !== 'GET');
    expect(writes.map((c) => [c.method, c.url.replace(/^.*\/api\/v1/, ''), c.body])).toEqual([
      ['PATCH', '/webhooks/w1', { name: 'CI' }],
      ['PATCH', '/webhooks/w1', { secret: 'new-secret' }],
      ['POST', '/webhooks', { name: 'New', url: 'https://x.example/', events: ['session_created'], scope: { kind: 'global' }, secret: '' }],
    ]);
    expect(store.webhooks).toEqual([hook]);
  });

  it('loads the history of one webhook and forgets it when that webhook is deleted', async () => {
    const delivery = {
      id: 'r1',
      webhookId: 'w1',
      deliveryId: 'd1',
      event: 'webhook.test',
      attempt: 1,
      status: 'delivered',
      statusCode: 200,
      durationMs: 3,
      requestedAt: '',
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit = {}) => {
        if (init.method === 'DELETE') return json(null, 204);
        if (url.includes('/deliveries')) return json({ deliveries: [delivery] });
        return json({ webhooks: [] });
      }),
    );
    const store = useWebhooksStore();
    await store.loadDeliveries('w1');
    expect(store.historyOf).toBe('w1');
    expect(store.deliveries).toEqual([delivery]);
    await store.remove('w1');
    expect(store.historyOf).toBe(null);
    expect(store.deliveries).toEqual([]);
  });
});
