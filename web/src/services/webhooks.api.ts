// /webhooks (docs/webhooks.md): secrets are write-only, header values read back as ***REDACTED***.
import { http } from './http';
import type { Webhook, WebhookDelivery, WebhookInput } from './webhook-types';

export const webhooksApi = {
  list: () => http.get<{ webhooks: Webhook[] }>('/webhooks').then((r) => r.webhooks),
  create: (input: WebhookInput) => http.post<Webhook>('/webhooks', input),
  update: (id: string, input: WebhookInput) => http.patch<Webhook>(`/webhooks/${encodeURIComponent(id)}`, input),
  remove: (id: string) => http.del<void>(`/webhooks/${encodeURIComponent(id)}`),
  test: (id: string) => http.post<{ queued: true }>(`/webhooks/${encodeURIComponent(id)}/test`),
  deliveries: (id: string) =>
    http.get<{ deliveries: WebhookDelivery[] }>(`/webhooks/${encodeURIComponent(id)}/deliveries`).then((r) => r.deliveries),
};
