// The shapes of webhooks.json, webhook-deliveries.json and the on-disk delivery queue (§7.2, §11.2).

/** The events a webhook can subscribe to (§2.12). `webhook.test` is only sent by the test route. */
export const WEBHOOK_EVENTS = [
  'agent_end',
  'ask_user_question',
  'process_alert',
  'auto_retry_end',
  'compaction_end',
  'session_created',
  'session_deleted',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const TEST_EVENT = 'webhook.test';

/** What a header value reads as, and (on write) "keep the stored value". */
export const REDACTED = '***REDACTED***';

export type WebhookScope = { kind: 'global' } | { kind: 'project'; projectId: string };

/** One entry of webhooks.json. */
export interface WebhookConfig {
  id: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  scope: WebhookScope;
  secret?: string;
  headers?: Record<string, string>;
  insecureTls?: boolean;
  enabled: boolean;
  createdAt: string;
}

export type DeliveryStatus = 'delivered' | 'failed' | 'error';

/** One attempt in webhook-deliveries.json. */
export interface DeliveryRecord {
  id: string;
  webhookId: string;
  deliveryId: string;
  event: string;
  sessionId?: string;
  projectId?: string;
  attempt: number;
  status: DeliveryStatus;
  statusCode?: number;
  durationMs: number;
  errorPreview?: string;
  requestedAt: string;
}

/**
 * One logical delivery waiting in webhook-queue/: the body is kept as the exact bytes that are
 * signed and sent, so every attempt (also after a restart) carries the same deliveryId and body.
 * No secret or header is copied here: they are read from webhooks.json at each attempt.
 */
export interface QueuedDelivery {
  deliveryId: string;
  webhookId: string;
  event: string;
  sessionId?: string;
  projectId?: string;
  body: string;
  /** Attempts already made and recorded. */
  attempts: number;
  /** Epoch ms before which the next attempt must not start. */
  notBefore: number;
}

/** The writable fields of a webhook; on update an absent field keeps its stored value. */
export interface WebhookInput {
  name?: string;
  url?: string;
  events?: string[];
  scope?: WebhookScope;
  secret?: string;
  headers?: Record<string, string>;
  insecureTls?: boolean;
  enabled?: boolean;
}
