// The shapes of /webhooks (docs/webhooks.md), shared by the API module, the store and the settings tab.

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
export type WebhookScope = { kind: 'global' } | { kind: 'project'; projectId: string };

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  scope: WebhookScope;
  enabled: boolean;
  hasSecret: boolean;
  headers?: Record<string, string>;
  insecureTls?: true;
  createdAt: string;
}

export interface WebhookInput {
  name?: string;
  url?: string;
  events?: WebhookEvent[];
  scope?: WebhookScope;
  secret?: string;
  headers?: Record<string, string>;
  insecureTls?: boolean;
  enabled?: boolean;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  deliveryId: string;
  event: string;
  sessionId?: string;
  projectId?: string;
  attempt: number;
  status: 'delivered' | 'failed' | 'error';
  statusCode?: number;
  durationMs: number;
  errorPreview?: string;
  requestedAt: string;
}
