// The rules of §2.12 for a webhook's writable fields, as one pure function for create and update,
// so the gateway, the web app and the tests see the same codes. http: is allowed beside https:
// (docs/compatibility.md#webhooks); every other scheme and any credentials in the URL are refused.
import { forgeError, GrpcStatus } from '@pi-forge/runtime';
import { REDACTED, WEBHOOK_EVENTS, type WebhookConfig, type WebhookEvent, type WebhookInput } from './webhook-types.js';

const MAX_NAME = 200;
const MAX_URL = 2048;
const MAX_SECRET = 256;
const MAX_HEADERS = 32;
const MAX_HEADER_VALUE = 4096;
/** RFC 9110 token characters. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
const KNOWN_EVENTS: ReadonlySet<string> = new Set(WEBHOOK_EVENTS);

const invalid = (
  code: 'invalid_url' | 'unsupported_protocol' | 'invalid_name' | 'no_events' | 'invalid_secret' | 'invalid_header',
  message: string,
) => forgeError(GrpcStatus.INVALID_ARGUMENT, code, message);

export function checkedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid('invalid_url', 'url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('unsupported_protocol', 'webhook URLs must use https (or http)');
  if (url.username || url.password) throw invalid('invalid_url', 'credentials in the URL are not allowed; use a secret or a header');
  if (raw.length > MAX_URL) throw invalid('invalid_url', `url must be at most ${MAX_URL} characters`);
  return url.toString();
}

function checkedName(raw: string): string {
  const name = raw.trim();
  if (!name || name.length > MAX_NAME) throw invalid('invalid_name', `name must be 1..${MAX_NAME} characters`);
  return name;
}

function checkedEvents(raw: string[]): WebhookEvent[] {
  const events = [...new Set(raw)];
  if (events.length === 0) throw invalid('no_events', 'subscribe to at least one event');
  const unknown = events.find((e) => !KNOWN_EVENTS.has(e));
  if (unknown !== undefined)
    throw invalid('no_events', `unknown event ${JSON.stringify(unknown)}; events are ${WEBHOOK_EVENTS.join(', ')}`);
  return events as WebhookEvent[];
}

function checkedSecret(raw: string): string | undefined {
  if (raw === REDACTED) throw invalid('invalid_secret', 'the secret cannot be the redaction placeholder');
  if (raw.length > MAX_SECRET) throw invalid('invalid_secret', `secret must be at most ${MAX_SECRET} characters`);
  return raw === '' ? undefined : raw;
}

/** New headers; a sentinel value keeps the stored value of that header (refused when there is none). */
function checkedHeaders(raw: Record<string, string>, stored: Record<string, string> | undefined): Record<string, string> | undefined {
  const entries = Object.entries(raw);
  if (entries.length > MAX_HEADERS) throw invalid('invalid_header', `at most ${MAX_HEADERS} headers`);
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) throw invalid('invalid_header', `${JSON.stringify(name)} is not a valid header name`);
    if (typeof value !== 'string' || value.length > MAX_HEADER_VALUE || /[\r\n\0]/.test(value))
      throw invalid('invalid_header', `the value of ${name} must be one line of at most ${MAX_HEADER_VALUE} characters`);
    if (value === REDACTED) {
      const kept = stored?.[name];
      if (kept === undefined) throw invalid('invalid_header', `${name} has no stored value to keep; give its real value`);
      out[name] = kept;
    } else out[name] = value;
  }
  return entries.length ? out : undefined;
}

/**
 * The webhook after applying `input` to `existing` (undefined on create, where name, url, events
 * and scope are required). Empty secret or headers clear them; absent fields stay as they were.
 */
export function applyWebhookInput(
  existing: WebhookConfig | undefined,
  input: WebhookInput,
  fresh: { id: string; createdAt: string },
): WebhookConfig {
  if (!existing) {
    if (input.name === undefined) throw invalid('invalid_name', 'name is required');
    if (input.url === undefined) throw invalid('invalid_url', 'url is required');
    if (input.events === undefined) throw invalid('no_events', 'subscribe to at least one event');
  }
  const next: WebhookConfig = existing
    ? { ...existing }
    : { id: fresh.id, name: '', url: '', events: [], scope: { kind: 'global' }, enabled: true, createdAt: fresh.createdAt };
  if (input.name !== undefined) next.name = checkedName(input.name);
  if (input.url !== undefined) next.url = checkedUrl(input.url);
  if (input.events !== undefined) next.events = checkedEvents(input.events);
  if (input.scope !== undefined)
    next.scope = input.scope.kind === 'project' ? { kind: 'project', projectId: input.scope.projectId } : { kind: 'global' };
  if (input.enabled !== undefined) next.enabled = input.enabled;
  if (input.insecureTls !== undefined) {
    if (input.insecureTls) next.insecureTls = true;
    else delete next.insecureTls;
  }
  if (input.secret !== undefined) {
    const secret = checkedSecret(input.secret);
    if (secret === undefined) delete next.secret;
    else next.secret = secret;
  }
  if (input.headers !== undefined) {
    const headers = checkedHeaders(input.headers, existing?.headers);
    if (headers === undefined) delete next.headers;
    else next.headers = headers;
  }
  return next;
}
