import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { recordingLogger } from '../testing/fake-agent-sdk.js';
import { WebhookDeliveryWorker, type WebhookClock } from './webhook-delivery-worker.js';
import { WebhookQueue } from './webhook-queue.js';
import { DELIVERIES_PER_WEBHOOK, WebhookStore } from './webhook-store.js';
import type { WebhookAnswer, WebhookPost, WebhookTransport } from './webhook-transport.js';
import type { QueuedDelivery, WebhookConfig } from './webhook-types.js';

/** Answers from a script (a status, or an Error to throw), recording every request. */
class ScriptedTransport implements WebhookTransport {
  readonly posts: WebhookPost[] = [];
  constructor(private readonly script: (number | Error)[]) {}
  post(req: WebhookPost): Promise<WebhookAnswer> {
    this.posts.push(req);
    const next = this.script.shift() ?? 200;
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve({ statusCode: next, bodyStart: next >= 300 ? `answer ${next}` : '' });
  }
}

/** A clock that jumps instead of waiting, remembering each wait. */
class JumpingClock implements WebhookClock {
  t = 1_700_000_000_000;
  readonly waits: number[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
}

describe('WebhookDeliveryWorker', () => {
  let root: string;
  let store: WebhookStore;
  let queue: WebhookQueue;
  let clock: JumpingClock;
  const logger = recordingLogger();
  const hook: WebhookConfig = {
    id: 'w1',
    name: 'Hook',
    url: 'http://127.0.0.1:1/hook',
    events: ['agent_end'],
    scope: { kind: 'global' },
    enabled: true,
    secret: 'shh',
    createdAt: '2025-01-01T00:00:00.000Z',
  };
  const entry = (id: string, extra: Partial<QueuedDelivery> = {}): QueuedDelivery => ({
    deliveryId: `00000000-0000-4000-8000-${id.padStart(12, '0')}`,
    webhookId: 'w1',
    event: 'agent_end',
    sessionId: 's1',
    body: `{"deliveryId":"${id}"}`,
    attempts: 0,
    notBefore: clock.now(),
    ...extra,
  });
  const worker = (transport: WebhookTransport) => new WebhookDeliveryWorker(logger, queue, store, transport, clock);

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'webhook-worker-'));
    const config = { FORGE_DATA_DIR: root } as unknown as ForgeConfig;
    store = new WebhookStore(config);
    queue = new WebhookQueue(config);
    clock = new JumpingClock();
    await store.upsert(hook.id, () => hook);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('delivers on a 2xx at once and leaves an empty queue and one record', async () => {
    const transport = new ScriptedTransport([204]);
    const w = worker(transport);
    await w.enqueue(entry('1'));
    await w.idle();
    assert.equal(transport.posts.length, 1);
    assert.equal(transport.posts[0]!.headers['X-Pi-Forge-Delivery'], entry('1').deliveryId);
    assert.equal(transport.posts[0]!.timeoutMs, 30_000);
    const [record] = await store.deliveries('w1');
    assert.equal(record!.status, 'delivered');
    assert.equal(record!.statusCode, 204);
    assert.equal(record!.attempt, 1);
    assert.equal(record!.sessionId, 's1');
    assert.deepEqual(readdirSync(queue.dir), []);
    assert.equal(statSync(store.deliveriesPath).mode & 0o777, 0o600);
  });

  it('retries 5xx and network errors after 1 s then 5 s, three attempts in all, each recorded', async () => {
    const transport = new ScriptedTransport([500, new Error('connect ECONNREFUSED'), 503]);
    const w = worker(transport);
    await w.enqueue(entry('2'));
    await w.idle();
    assert.equal(transport.posts.length, 3);
    assert.deepEqual(clock.waits, [1_000, 5_000]);
    assert.ok(
      transport.posts.every((p) => p.body === entry('2').body),
      'every attempt sends the same bytes',
    );
    const history = await store.deliveries('w1');
    assert.deepEqual(
      history.map((d) => [d.attempt, d.status, d.statusCode ?? null, d.errorPreview]),
      [
        [3, 'error', 503, 'answer 503'],
        [2, 'error', null, 'connect ECONNREFUSED'],
        [1, 'error', 500, 'answer 500'],
      ],
    );
    assert.ok(new Set(history.map((d) => d.deliveryId)).size === 1);
    assert.deepEqual(readdirSync(queue.dir), []);
  });

  it('stops at the first 2xx after errors, and never retries a 4xx', async () => {
    const recovering = new ScriptedTransport([500, 200]);
    let w = worker(recovering);
    await w.enqueue(entry('3'));
    await w.idle();
    assert.equal(recovering.posts.length, 2);
    const refused = new ScriptedTransport([404]);
    w = worker(refused);
    await w.enqueue(entry('4'));
    await w.idle();
    assert.equal(refused.posts.length, 1);
    const [last] = await store.deliveries('w1');
    assert.deepEqual([last!.status, last!.statusCode, last!.errorPreview], ['failed', 404, 'answer 404']);
  });

  it('resumes what a killed process left in the queue: same deliveryId, attempts counted on, temp files dropped', async () => {
    // As a kill -9 leaves it: one untouched entry, one after a failed first attempt, a temp file of an interrupted write.
    await queue.put(entry('5'));
    await queue.put(entry('6', { attempts: 1, notBefore: clock.now() + 1_000 }));
    writeFileSync(join(queue.dir, `${entry('7').deliveryId}.json.1234.tmp`), '{"half":');
    writeFileSync(join(queue.dir, `${entry('8').deliveryId}.json`), 'not json');
    const transport = new ScriptedTransport([500, 500, 200, 200]);
    const w = worker(transport);
    await w.onApplicationBootstrap();
    await w.idle();
    const sent = transport.posts.map((p) => p.headers['X-Pi-Forge-Delivery']);
    assert.deepEqual(new Set(sent), new Set([entry('5').deliveryId, entry('6').deliveryId]));
    const history = await store.deliveries('w1');
    const six = history.filter((d) => d.deliveryId === entry('6').deliveryId).map((d) => d.attempt);
    assert.equal(Math.min(...six), 2, 'the resumed delivery continues with attempt 2');
    assert.deepEqual(readdirSync(queue.dir), []);
  });

  it('drops a queued delivery whose webhook was deleted', async () => {
    const transport = new ScriptedTransport([]);
    await store.remove('w1');
    const w = worker(transport);
    await w.enqueue(entry('9'));
    await w.idle();
    assert.equal(transport.posts.length, 0);
    assert.equal(existsSync(join(queue.dir, `${entry('9').deliveryId}.json`)), false);
  });

  it('keeps the newest 100 attempts per webhook', async () => {
    for (let i = 0; i < DELIVERIES_PER_WEBHOOK + 5; i++)
      await store.record({
        id: `r${i}`,
        webhookId: 'w1',
        deliveryId: `d${i}`,
        event: 'agent_end',
        attempt: 1,
        status: 'delivered',
        durationMs: 1,
        requestedAt: '',
      });
    await store.record({
      id: 'other',
      webhookId: 'w2',
      deliveryId: 'x',
      event: 'agent_end',
      attempt: 1,
      status: 'delivered',
      durationMs: 1,
      requestedAt: '',
    });
    const kept = await store.deliveries('w1');
    assert.equal(kept.length, DELIVERIES_PER_WEBHOOK);
    assert.equal(kept[0]!.id, `r${DELIVERIES_PER_WEBHOOK + 4}`, 'newest first');
    assert.equal(kept.at(-1)!.id, 'r5');
    assert.equal((await store.deliveries('w2')).length, 1);
  });
});
