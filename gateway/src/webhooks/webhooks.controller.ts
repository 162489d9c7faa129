// /webhooks (§2.12, docs/webhooks.md): configuration lives in the agent service, which also sends
// the deliveries. Secrets never come back: `hasSecret`, and header values as the sentinel.
// Under MINIMAL_UI the reads stay, every change answers 403 minimal_ui_disabled.
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { WEBHOOK_DELIVERY_STATUS } from '@pi-forge/proto';
import type { Webhook, WebhookDelivery, WebhookFields } from '@pi-forge/proto/agent';
import { AgentClient } from '../clients/agent.client.js';
import { CreateWebhookDto, ListWebhooksQueryDto, UpdateWebhookDto } from './webhooks.dto.js';

const REDACTED = '***REDACTED***';

function fieldsOf(body: CreateWebhookDto): WebhookFields {
  if (body.headers) {
    for (const [name, value] of Object.entries(body.headers))
      if (typeof value !== 'string')
        throw new BadRequestException({ error: 'invalid_header', message: `the value of ${name} must be a string` });
  }
  if (body.scope?.kind === 'project' && !body.scope.projectId)
    throw new BadRequestException({ error: 'validation_failed', message: 'scope.projectId is required for a project scope' });
  return {
    name: body.name,
    url: body.url,
    events: body.events ? { names: body.events } : undefined,
    scope: body.scope ? { projectId: body.scope.kind === 'project' ? body.scope.projectId! : '' } : undefined,
    secret: body.secret,
    headers: body.headers ? { values: body.headers } : undefined,
    insecureTls: body.insecureTls,
    enabled: body.enabled,
  };
}

export function webhookView(w: Webhook): Record<string, unknown> {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    events: w.events ?? [],
    scope: w.scope?.projectId ? { kind: 'project', projectId: w.scope.projectId } : { kind: 'global' },
    enabled: w.enabled,
    hasSecret: w.hasSecret,
    ...(w.headerNames?.length ? { headers: Object.fromEntries(w.headerNames.map((n) => [n, REDACTED])) } : {}),
    ...(w.insecureTls ? { insecureTls: true } : {}),
    createdAt: w.createdAt,
  };
}

function deliveryView(d: WebhookDelivery): Record<string, unknown> {
  return {
    id: d.id,
    webhookId: d.webhookId,
    deliveryId: d.deliveryId,
    event: d.event,
    ...(d.sessionId ? { sessionId: d.sessionId } : {}),
    ...(d.projectId ? { projectId: d.projectId } : {}),
    attempt: d.attempt,
    status: WEBHOOK_DELIVERY_STATUS.toWord(d.status),
    ...(d.statusCode != null ? { statusCode: d.statusCode } : {}),
    durationMs: d.durationMs,
    ...(d.errorPreview ? { errorPreview: d.errorPreview } : {}),
    requestedAt: d.requestedAt,
  };
}

@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly agent: AgentClient,
    @Inject(CONFIG) private readonly config: ForgeConfig,
  ) {}

  private assertMutable(): void {
    if (this.config.MINIMAL_UI)
      throw new ForbiddenException({ error: 'minimal_ui_disabled', message: 'Webhook configuration is disabled under MINIMAL_UI.' });
  }

  @Get()
  async list(@Query() query: ListWebhooksQueryDto): Promise<{ webhooks: Record<string, unknown>[] }> {
    const { webhooks } = await this.agent.listWebhooks({ projectId: query.projectId ?? '' });
    return { webhooks: (webhooks ?? []).map(webhookView) };
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: CreateWebhookDto): Promise<Record<string, unknown>> {
    this.assertMutable();
    return webhookView((await this.agent.createWebhook({ fields: fieldsOf(body) })).webhook!);
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Body() body: UpdateWebhookDto): Promise<Record<string, unknown>> {
    this.assertMutable();
    return webhookView((await this.agent.updateWebhook({ id, fields: fieldsOf(body) })).webhook!);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    this.assertMutable();
    await this.agent.deleteWebhook({ id });
  }

  @Post(':id/test')
  @HttpCode(200)
  async test(@Param('id') id: string): Promise<{ queued: true }> {
    this.assertMutable();
    await this.agent.testWebhook({ id });
    return { queued: true };
  }

  @Get(':id/deliveries')
  async deliveries(@Param('id') id: string): Promise<{ deliveries: Record<string, unknown>[] }> {
    const { deliveries } = await this.agent.listWebhookDeliveries({ id });
    return { deliveries: (deliveries ?? []).map(deliveryView) };
  }
}
