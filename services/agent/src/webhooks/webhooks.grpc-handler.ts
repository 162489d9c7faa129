// The webhook RPCs: unpack, call WebhooksService, pack. Secrets never leave: a webhook goes out
// with `has_secret` and its header names only.
import { Controller } from '@nestjs/common';
import { AgentRpc, WEBHOOK_DELIVERY_STATUS, type Handles } from '@pi-forge/proto';
import type {
  AgentServiceController,
  CreateWebhookRequest,
  CreateWebhookResponse,
  DeleteWebhookRequest,
  DeleteWebhookResponse,
  ListWebhookDeliveriesRequest,
  ListWebhookDeliveriesResponse,
  ListWebhooksRequest,
  ListWebhooksResponse,
  TestWebhookRequest,
  TestWebhookResponse,
  UpdateWebhookRequest,
  UpdateWebhookResponse,
  Webhook,
  WebhookFields,
} from '@pi-forge/proto/agent';
import { WebhooksService } from './webhooks.service.js';
import type { WebhookConfig, WebhookInput } from './webhook-types.js';

/** proto-loader gives absent message fields as null and absent optional scalars as undefined. */
function inputOf(fields: WebhookFields | undefined | null): WebhookInput {
  const f = fields ?? {};
  const input: WebhookInput = {};
  if (f.name != null) input.name = f.name;
  if (f.url != null) input.url = f.url;
  if (f.events != null) input.events = f.events.names ?? [];
  if (f.scope != null) input.scope = f.scope.projectId ? { kind: 'project', projectId: f.scope.projectId } : { kind: 'global' };
  if (f.secret != null) input.secret = f.secret;
  if (f.headers != null) input.headers = { ...(f.headers.values ?? {}) };
  if (f.insecureTls != null) input.insecureTls = f.insecureTls;
  if (f.enabled != null) input.enabled = f.enabled;
  return input;
}

export function wireOf(w: WebhookConfig): Webhook {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    events: w.events,
    scope: { projectId: w.scope.kind === 'project' ? w.scope.projectId : '' },
    enabled: w.enabled,
    hasSecret: !!w.secret,
    headerNames: Object.keys(w.headers ?? {}),
    insecureTls: !!w.insecureTls,
    createdAt: w.createdAt,
  };
}

@Controller()
export class WebhooksGrpcHandler implements Handles<AgentServiceController, WebhooksGrpcHandler> {
  constructor(private readonly webhooks: WebhooksService) {}

  @AgentRpc.method
  async listWebhooks(req: ListWebhooksRequest): Promise<ListWebhooksResponse> {
    return { webhooks: (await this.webhooks.list(req.projectId || undefined)).map(wireOf) };
  }

  @AgentRpc.method
  async createWebhook(req: CreateWebhookRequest): Promise<CreateWebhookResponse> {
    return { webhook: wireOf(await this.webhooks.create(inputOf(req.fields))) };
  }

  @AgentRpc.method
  async updateWebhook(req: UpdateWebhookRequest): Promise<UpdateWebhookResponse> {
    return { webhook: wireOf(await this.webhooks.update(req.id, inputOf(req.fields))) };
  }

  @AgentRpc.method
  async deleteWebhook(req: DeleteWebhookRequest): Promise<DeleteWebhookResponse> {
    await this.webhooks.remove(req.id);
    return {};
  }

  @AgentRpc.method
  async testWebhook(req: TestWebhookRequest): Promise<TestWebhookResponse> {
    return { deliveryId: await this.webhooks.test(req.id) };
  }

  @AgentRpc.method
  async listWebhookDeliveries(req: ListWebhookDeliveriesRequest): Promise<ListWebhookDeliveriesResponse> {
    return {
      deliveries: (await this.webhooks.deliveries(req.id)).map((d) => ({
        id: d.id,
        webhookId: d.webhookId,
        deliveryId: d.deliveryId,
        event: d.event,
        sessionId: d.sessionId,
        projectId: d.projectId,
        attempt: d.attempt,
        status: WEBHOOK_DELIVERY_STATUS.toProto(d.status),
        statusCode: d.statusCode,
        durationMs: d.durationMs,
        errorPreview: d.errorPreview,
        requestedAt: d.requestedAt,
      })),
    };
  }
}
