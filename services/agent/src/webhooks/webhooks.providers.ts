// What the webhooks feature adds to the agent module (its handler goes into the module's rpcHandlers list).
import type { Provider } from '@nestjs/common';
import { WebhookStore } from './webhook-store.js';
import { WebhookQueue } from './webhook-queue.js';
import { WebhookDeliveryWorker, WEBHOOK_CLOCK, realClock } from './webhook-delivery-worker.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhooksService } from './webhooks.service.js';
import { NodeWebhookTransport, WEBHOOK_TRANSPORT } from './webhook-transport.js';

export const WEBHOOK_PROVIDERS: Provider[] = [
  WebhookStore,
  WebhookQueue,
  WebhookDeliveryWorker,
  WebhookDispatcher,
  WebhooksService,
  { provide: WEBHOOK_TRANSPORT, useClass: NodeWebhookTransport },
  { provide: WEBHOOK_CLOCK, useValue: realClock },
];
