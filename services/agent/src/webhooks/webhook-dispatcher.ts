// Turns session-bus events into queued deliveries: for each webhook event an event raises
// (webhook-event-data.ts), every matching webhook gets its own delivery with its own deliveryId;
// the timestamp is shared by all targets of one dispatch (§11.2). The webhooks are sent by the
// agent service because the events are born here (docs/webhooks.md#who-sends-them).
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { LOGGER } from '@pi-forge/runtime';
import { SessionEventBus, type SessionRef } from '../sessions/session-event-bus.js';
import { newMemory, webhookEventsOf, type BusEvent, type WebhookEventMemory } from './webhook-event-data.js';
import { WebhookDeliveryWorker, WEBHOOK_CLOCK, type WebhookClock } from './webhook-delivery-worker.js';
import { WebhookStore } from './webhook-store.js';
import type { WebhookConfig } from './webhook-types.js';

export function matches(webhook: WebhookConfig, event: string, projectId: string | undefined): boolean {
  if (!webhook.enabled || !(webhook.events as string[]).includes(event)) return false;
  return webhook.scope.kind === 'global' || (!!projectId && webhook.scope.projectId === projectId);
}

export interface DispatchTarget {
  event: string;
  sessionId?: string;
  projectId?: string;
  data: Record<string, unknown>;
}

@Injectable()
export class WebhookDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly memory = new Map<string, WebhookEventMemory>();
  private unsubscribe: () => void = () => {};
  /** Dispatches in the order their events happened (each waits for the store read of the one before). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly bus: SessionEventBus,
    private readonly store: WebhookStore,
    private readonly worker: WebhookDeliveryWorker,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((ref, event) => this.onEvent(ref, event));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** Resolves when every event seen so far is queued (tests). */
  settled(): Promise<unknown> {
    return this.chain;
  }

  private onEvent(ref: SessionRef, event: BusEvent): void {
    let memory = this.memory.get(ref.sessionId);
    if (!memory) this.memory.set(ref.sessionId, (memory = newMemory()));
    const mapped = webhookEventsOf(event, memory);
    if (event.type === 'session_deleted') this.memory.delete(ref.sessionId);
    if (!mapped.length) return;
    const projectId = ref.projectId || undefined;
    const run = this.chain.then(async () => {
      for (const m of mapped) await this.dispatch({ event: m.event, sessionId: ref.sessionId, projectId, data: m.data });
    });
    this.chain = run.catch((err: unknown) =>
      this.logger.error({ err, sessionId: ref.sessionId, event: event.type }, 'webhook dispatch failed'),
    );
  }

  /** Queues `target` for every matching webhook (or just `only`, for the test route); returns the delivery ids. */
  async dispatch(target: DispatchTarget, only?: WebhookConfig): Promise<string[]> {
    const webhooks = only ? [only] : (await this.store.list()).filter((w) => matches(w, target.event, target.projectId));
    const timestamp = new Date(this.clock.now()).toISOString();
    const ids: string[] = [];
    for (const webhook of webhooks) {
      const deliveryId = randomUUID();
      const body = JSON.stringify({
        deliveryId,
        event: target.event,
        timestamp,
        ...(target.sessionId ? { sessionId: target.sessionId } : {}),
        ...(target.projectId ? { projectId: target.projectId } : {}),
        data: target.data,
      });
      await this.worker.enqueue({
        deliveryId,
        webhookId: webhook.id,
        event: target.event,
        ...(target.sessionId ? { sessionId: target.sessionId } : {}),
        ...(target.projectId ? { projectId: target.projectId } : {}),
        body,
        attempts: 0,
        notBefore: this.clock.now(),
      });
      ids.push(deliveryId);
    }
    return ids;
  }
}
