// Sends what the queue holds: up to three attempts per delivery, 1 s and then 5 s apart; 2xx ends
// it as delivered, 4xx as failed (never retried), anything else is an error that is retried
// (§11.2). Each attempt is recorded in the history before the queue entry moves on, and the entry
// goes only after the final outcome; on start-up every entry left on disk is resumed.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { LOGGER } from '@pi-forge/runtime';
import { WebhookQueue } from './webhook-queue.js';
import { WebhookStore } from './webhook-store.js';
import { deliveryHeaders } from './webhook-request.js';
import { WEBHOOK_TRANSPORT, type WebhookTransport } from './webhook-transport.js';
import type { DeliveryRecord, DeliveryStatus, QueuedDelivery } from './webhook-types.js';

export const MAX_ATTEMPTS = 3;
/** The wait after attempt 1 and after attempt 2. */
export const RETRY_DELAYS_MS = [1_000, 5_000];
export const ATTEMPT_TIMEOUT_MS = 30_000;
const PREVIEW_CHARS = 200;

export const WEBHOOK_CLOCK = Symbol('WEBHOOK_CLOCK');
export interface WebhookClock {
  now(): number;
  /** Resolves after `ms` (or at once when the worker stops: `signal` aborts). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
export const realClock: WebhookClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    }),
};

export function outcomeOf(statusCode: number): DeliveryStatus {
  if (statusCode >= 200 && statusCode < 300) return 'delivered';
  if (statusCode >= 400 && statusCode < 500) return 'failed';
  return 'error';
}

@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly stopping = new AbortController();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly queue: WebhookQueue,
    private readonly store: WebhookStore,
    @Inject(WEBHOOK_TRANSPORT) private readonly transport: WebhookTransport,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const left = await this.queue.all((file, err) => this.logger.warn({ err, file }, 'unreadable webhook queue entry dropped'));
    if (left.length) this.logger.info({ deliveries: left.length }, 'resuming queued webhook deliveries');
    for (const entry of left) this.start(entry);
  }

  onApplicationShutdown(): void {
    // Entries stay on disk; the next start resumes them.
    this.stopping.abort();
  }

  /** Queues a delivery durably, then starts sending it; resolves once it is on disk. */
  async enqueue(entry: QueuedDelivery): Promise<void> {
    await this.queue.put(entry);
    this.start(entry);
  }

  /** Resolves when every delivery started so far has reached its final outcome (tests). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()]);
  }

  private start(entry: QueuedDelivery): void {
    if (this.running.has(entry.deliveryId)) return;
    const run = this.deliver(entry)
      .catch((err: unknown) =>
        this.logger.error({ err, deliveryId: entry.deliveryId, webhookId: entry.webhookId }, 'webhook delivery failed'),
      )
      .finally(() => this.running.delete(entry.deliveryId));
    this.running.set(entry.deliveryId, run);
  }

  private async deliver(initial: QueuedDelivery): Promise<void> {
    let entry = initial;
    for (;;) {
      const wait = entry.notBefore - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      const webhook = await this.store.get(entry.webhookId);
      if (!webhook) {
        await this.queue.remove(entry.deliveryId); // deleted meanwhile: nobody to deliver to
        return;
      }
      const attempt = entry.attempts + 1;
      const record = await this.attempt(entry, attempt, webhook.url, deliveryHeaders(webhook, entry), !!webhook.insecureTls);
      if (this.stopping.signal.aborted && record.status === 'error') return; // cut short by the stop: resumed on the next start
      await this.store.record(record);
      if (record.status !== 'error' || attempt >= MAX_ATTEMPTS) {
        await this.queue.remove(entry.deliveryId);
        this.logger.info(
          { webhookId: entry.webhookId, deliveryId: entry.deliveryId, event: entry.event, status: record.status, attempt },
          'webhook delivery finished',
        );
        return;
      }
      entry = { ...entry, attempts: attempt, notBefore: this.clock.now() + RETRY_DELAYS_MS[attempt - 1]! };
      await this.queue.put(entry);
    }
  }

  private async attempt(
    entry: QueuedDelivery,
    attempt: number,
    url: string,
    headers: Record<string, string>,
    insecureTls: boolean,
  ): Promise<DeliveryRecord> {
    const requestedAt = new Date(this.clock.now()).toISOString();
    const started = this.clock.now();
    const base = {
      id: randomUUID(),
      webhookId: entry.webhookId,
      deliveryId: entry.deliveryId,
      event: entry.event,
      ...(entry.sessionId ? { sessionId: entry.sessionId } : {}),
      ...(entry.projectId ? { projectId: entry.projectId } : {}),
      attempt,
      requestedAt,
    };
    if (insecureTls && url.startsWith('https:')) this.logger.warn({ webhookId: entry.webhookId }, 'webhook-insecure-tls');
    try {
      const answer = await this.transport.post({ url, body: entry.body, headers, insecureTls, timeoutMs: ATTEMPT_TIMEOUT_MS });
      const status = outcomeOf(answer.statusCode);
      return {
        ...base,
        status,
        statusCode: answer.statusCode,
        durationMs: this.clock.now() - started,
        ...(status !== 'delivered' && answer.bodyStart ? { errorPreview: answer.bodyStart.slice(0, PREVIEW_CHARS) } : {}),
      };
    } catch (err) {
      return {
        ...base,
        status: 'error',
        durationMs: this.clock.now() - started,
        errorPreview: String((err as Error).message ?? err).slice(0, PREVIEW_CHARS),
      };
    }
  }
}
