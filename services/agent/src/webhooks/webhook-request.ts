// The headers of a delivery (§11.2): fixed ones, the HMAC-SHA256 signature of the exact body bytes
// when a secret is set, then the webhook's own headers except reserved names and sentinel values.
import { createHmac } from 'node:crypto';
import { REDACTED, type WebhookConfig } from './webhook-types.js';

const RESERVED = new Set([
  'content-type',
  'x-pi-forge-event',
  'x-pi-forge-delivery',
  'x-pi-forge-signature',
  'user-agent',
  'content-length',
  'host',
]);

/** `sha256=<hex HMAC-SHA256(secret, body)>`: what a receiver recomputes over the raw body it read. */
export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function deliveryHeaders(
  webhook: WebhookConfig,
  delivery: { deliveryId: string; event: string; body: string },
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(webhook.headers ?? {})) {
    if (RESERVED.has(name.toLowerCase()) || value === REDACTED) continue;
    headers[name] = value;
  }
  headers['Content-Type'] = 'application/json; charset=utf-8';
  headers['User-Agent'] = 'pi-forge-webhook/1.0';
  headers['X-Pi-Forge-Event'] = delivery.event;
  headers['X-Pi-Forge-Delivery'] = delivery.deliveryId;
  if (webhook.secret) headers['X-Pi-Forge-Signature'] = signatureOf(webhook.secret, delivery.body);
  return headers;
}
