import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { recordingLogger } from '../testing/fake-agent-sdk.js';
import { SessionEventBus } from '../sessions/session-event-bus.js';
import { WebhookDeliveryWorker, realClock } from './webhook-delivery-worker.js';
import { WebhookDispatcher, matches } from './webhook-dispatcher.js';
import { WebhookQueue } from './webhook-queue.js';
import { WebhookStore } from './webhook-store.js';
import { WebhooksService } from './webhooks.service.js';
import { signatureOf } from './webhook-request.js';
import type { WebhookAnswer, WebhookPost, WebhookTransport } from './webhook-transport.js';
import type { WebhookConfig, WebhookInput } from './webhook-types.js';

class RecordingTransport implements WebhookTransport {
  readonly posts: WebhookPost[] = [];
  post(req: WebhookPost): Promise<WebhookAnswer> {
    this.posts.push(req);
    return Promise.resolve({ statusCode: 200, bodyStart: '' });
  }
}

interface Sent {
  url: string;
  headers: Record<string, string>;
  deliveryId: string;
  event: string;
  timestamp: string;
  sessionId?: string;
  projectId?: string;
  data: Record<string, unknown>;
}

describe('WebhookDispatcher', () => {
  let root: string;
  let bus: SessionEventBus;
  let transport: RecordingTransport;
  let worker: WebhookDeliveryWorker;
  let dispatcher: WebhookDispatcher;
  let service: WebhooksService;
  const logger = recordingLogger();
  const ref = { sessionId: 's1', projectId: 'p1', cwd: '/w/p1' };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'webhook-dispatch-'));
    const config = { FORGE_DATA_DIR: root } as unknown as ForgeConfig;
    const store = new WebhookStore(config);
    transport = new RecordingTransport();
    worker = new WebhookDeliveryWorker(logger, new WebhookQueue(config), store, transport, realClock);
    bus = new SessionEventBus();
    dispatcher = new WebhookDispatcher(logger, bus, store, worker, realClock);
    dispatcher.onModuleInit();
    service = new WebhooksService(store, dispatcher, realClock);
  });
  afterEach(() => {
    dispatcher.onModuleDestroy();
    rmSync(root, { recursive: true, force: true });
  });

  const make = (input: Partial<WebhookInput>) =>
    service.create({ name: 'h', url: 'http://127.0.0.1:9/in', events: ['agent_end'], scope: { kind: 'global' }, ...input });
  const sent = async () => {
    await dispatcher.settled();
    await worker.idle();
    return transport.posts.map((p): Sent => ({ ...(JSON.parse(p.body) as Omit<Sent, 'url' | 'headers'>), url: p.url, headers: p.headers }));
  };

  it('matches enabled webhooks subscribed to the event, global or of the same project', () => {
    const w = { enabled: true, events: ['agent_end'], scope: { kind: 'global' } } as WebhookConfig;
    assert.equal(matches(w, 'agent_end', undefined), true);
    assert.equal(matches(w, 'session_created', 'p1'), false);
    assert.equal(matches({ ...w, enabled: false }, 'agent_end', 'p1'), false);
    assert.equal(matches({ ...w, scope: { kind: 'project', projectId: 'p1' } }, 'agent_end', 'p1'), true);
    assert.equal(matches({ ...w, scope: { kind: 'project', projectId: 'p1' } }, 'agent_end', 'p2'), false);
    assert.equal(matches({ ...w, scope: { kind: 'project', projectId: 'p1' } }, 'agent_end', undefined), false);
  });

  it('queues one delivery per matching webhook, with its own deliveryId and a shared timestamp', async () => {
    await make({ url: 'http://127.0.0.1:9/a', secret: 'sa' });
    await make({ url: 'http://127.0.0.1:9/b', scope: { kind: 'project', projectId: 'p1' } });
    await make({ url: 'http://127.0.0.1:9/other-project', scope: { kind: 'project', projectId: 'p2' } });
    await make({ url: 'http://127.0.0.1:9/disabled', enabled: false });
    await make({ url: 'http://127.0.0.1:9/other-event', events: ['session_created'] });
    bus.publish(ref, { type: 'agent_end', messages: [{ role: 'assistant', content: 'done', stopReason: 'stop' }] });
    const out = await sent();
    assert.deepEqual(out.map((d) => d.url).sort(), ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']);
    assert.notEqual(out[0]!.deliveryId, out[1]!.deliveryId);
    assert.equal(out[0]!.timestamp, out[1]!.timestamp);
    const a = out.find((d) => d.url.endsWith('/a'))!;
    assert.equal(a.event, 'agent_end');
    assert.equal(a.sessionId, 's1');
    assert.equal(a.projectId, 'p1');
    assert.equal((a.data as { assistantText: string }).assistantText, 'done');
    assert.equal(a.headers['X-Pi-Forge-Signature'], signatureOf('sa', transport.posts.find((p) => p.url.endsWith('/a'))!.body));
  });

  it('sends ask_user_question and process_alert from the events the tools put on the bus', async () => {
    await make({ events: ['ask_user_question', 'process_alert'] });
    bus.publish(ref, {
      type: 'ask_user_question',
      sessionId: 's1',
      requestId: 'q1',
      questions: [
        {
          header: 'H',
          question: 'Q?',
          multiSelect: true,
          options: [
            { label: 'A', description: 'a' },
            { label: 'B', description: 'b' },
          ],
        },
      ],
    });
    const proc = {
      id: 'abcd1234',
      name: 'srv',
      pid: 7,
      command: 'sleep 9',
      cwd: '/w/p1',
      startTime: 1,
      alertOnSuccess: false,
      alertOnFailure: true,
      alertOnKill: false,
    };
    bus.publish(ref, {
      type: 'process_update',
      sessionId: 's1',
      processes: [{ ...proc, status: 'running', endTime: null, exitCode: null, success: null }],
    });
    bus.publish(ref, {
      type: 'process_update',
      sessionId: 's1',
      processes: [{ ...proc, status: 'exited', endTime: 2, exitCode: 2, success: false }],
    });
    const out = await sent();
    assert.deepEqual(
      out.map((d) => [d.event, d.data]),
      [
        [
          'ask_user_question',
          {
            requestId: 'q1',
            questions: [
              {
                header: 'H',
                question: 'Q?',
                multiSelect: true,
                options: [
                  { label: 'A', description: 'a' },
                  { label: 'B', description: 'b' },
                ],
              },
            ],
          },
        ],
        [
          'process_alert',
          {
            reason: 'failure',
            processId: 'abcd1234',
            name: 'srv',
            pid: 7,
            command: 'sleep 9',
            cwd: '/w/p1',
            startTime: 1,
            endTime: 2,
            exitCode: 2,
            success: false,
          },
        ],
      ],
    );
  });

  it('the test delivery goes to that webhook alone, whatever its events, scope and enabled flag', async () => {
    const off = await make({ enabled: false, scope: { kind: 'project', projectId: 'p9' }, events: ['session_deleted'] });
    await make({});
    await service.test(off.id);
    const out = await sent();
    assert.equal(out.length, 1);
    assert.equal(out[0]!.event, 'webhook.test');
    assert.deepEqual(out[0]!.data, { message: 'This is a test event from pi-forge.', webhookId: off.id, webhookName: 'h' });
    assert.equal('sessionId' in out[0]!, false);
  });
});
