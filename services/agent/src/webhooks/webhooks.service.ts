// Webhook configuration (§2.12): list, create, update, delete, the test delivery and the history,
// with secrets kept inside the agent service (the API sees `hasSecret` and header names only).
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { forgeError, GrpcStatus } from '@pi-forge/runtime';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookStore } from './webhook-store.js';
import { applyWebhookInput } from './webhook-validation.js';
import { WEBHOOK_CLOCK, type WebhookClock } from './webhook-delivery-worker.js';
import { TEST_EVENT, type DeliveryRecord, type WebhookConfig, type WebhookInput } from './webhook-types.js';

const notFound = () => forgeError(GrpcStatus.NOT_FOUND, 'webhook_not_found', 'no webhook with this id');

@Injectable()
export class WebhooksService {
  constructor(
    private readonly store: WebhookStore,
    private readonly dispatcher: WebhookDispatcher,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
  ) {}

  /** All webhooks, or the global ones and those of `projectId`. */
  async list(projectId?: string): Promise<WebhookConfig[]> {
    const all = await this.store.list();
    return projectId ? all.filter((w) => w.scope.kind === 'global' || w.scope.projectId === projectId) : all;
  }

  create(input: WebhookInput): Promise<WebhookConfig> {
    const id = randomUUID();
    return this.store.upsert(id, () => applyWebhookInput(undefined, input, { id, createdAt: new Date(this.clock.now()).toISOString() }));
  }

  update(id: string, input: WebhookInput): Promise<WebhookConfig> {
    return this.store.upsert(id, (existing) => {
      if (!existing) throw notFound();
      return applyWebhookInput(existing, input, existing);
    });
  }

  /** Also drops the history; queued deliveries are dropped by the worker when their next attempt finds no webhook. */
  async remove(id: string): Promise<void> {
    if (!(await this.store.remove(id))) throw notFound();
  }

  /** Queues webhook.test to this webhook alone, whatever its events, scope and enabled flag. */
  async test(id: string): Promise<string> {
    const webhook = await this.store.get(id);
    if (!webhook) throw notFound();
    const data = { message: 'This is a test event from pi-forge.', webhookId: webhook.id, webhookName: webhook.name };
    const [deliveryId] = await this.dispatcher.dispatch({ event: TEST_EVENT, data }, webhook);
    return deliveryId!;
  }

  async deliveries(id: string): Promise<DeliveryRecord[]> {
    if (!(await this.store.get(id))) throw notFound();
    return this.store.deliveries(id);
  }
}
