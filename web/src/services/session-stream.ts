// The per-session agent stream (docs/compatibility.md#sse-streams): fetch + a stream reader (so the token travels in the
// Authorization header, never in the URL), SSE frames parsed by hand, and reconnect with backoff.
// A reconnect sends Last-Event-ID, so the server replays just the missed events (or, if it no
// longer has them, a fresh snapshot). 401/404/409/410 are final: auth is gone or the session is.
import { apiUrl, authHeaders, reportUnauthorized } from './http';
import { backoffDelay } from './backoff';

export interface StreamEvent {
  type: string;
  [k: string]: unknown;
}
export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamHandlers {
  onEvent: (event: StreamEvent) => void;
  onStatus?: (status: StreamStatus, detail?: { code?: string; retryInMs?: number; attempt?: number }) => void;
}

export interface StreamDeps {
  fetch?: typeof fetch;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
}

export const CONNECT_TIMEOUT_MS = 20_000;

const FINAL_STATUS: Record<number, string> = {
  401: 'unauthorized',
  404: 'session_not_found',
  409: 'external_subagent_active',
  410: 'session_tombstoned',
};

export interface SseFrame {
  data: string;
  id?: string;
}

/** Splits an SSE byte stream into frames (`data:` payload and `id:`); comments (heartbeats, padding) are dropped. */
export class SseParser {
  private buffer = '';

  push(chunk: string): SseFrame[] {
    this.buffer += chunk;
    const out: SseFrame[] = [];
    let idx: number;
    while ((idx = this.buffer.search(/\r?\n\r?\n/)) >= 0) {
      const frame = this.buffer.slice(0, idx);
      this.buffer = this.buffer.slice(idx + (this.buffer[idx] === '\r' ? 4 : 2));
      const lines = frame.split(/\r?\n/);
      const field = (name: string) => lines.filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).replace(/^ /, ''));
      const data = field('data').join('\n');
      const id = field('id').at(-1);
      if (data) out.push(id ? { data, id } : { data });
    }
    return out;
  }
}

export function openSessionStream(sessionId: string, handlers: StreamHandlers, deps: StreamDeps = {}): { close: () => void } {
  const doFetch = deps.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const later = deps.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const cancel = deps.clearTimeout ?? ((id) => globalThis.clearTimeout(id as number));
  let closed = false;
  let attempt = 0;
  let timer: unknown;
  let controller: AbortController | undefined;
  let lastEventId: string | undefined;

  const status: NonNullable<StreamHandlers['onStatus']> = (s, d) => handlers.onStatus?.(s, d);

  const retry = () => {
    if (closed) return;
    const retryInMs = backoffDelay(attempt);
    attempt += 1;
    status('reconnecting', { retryInMs, attempt });
    // connect never rejects: every failure path inside it ends in retry() or a final status.
    timer = later(() => void connect(), retryInMs);
  };

  async function connect(): Promise<void> {
    if (closed) return;
    controller = new AbortController();
    const attemptController = controller;
    status('connecting');
    let res: Response;
    // A server that accepts the connection but never answers must not leave us "connecting" forever.
    const headerTimer = later(() => attemptController.abort(), CONNECT_TIMEOUT_MS);
    try {
      res = await doFetch(apiUrl(`/sessions/${encodeURIComponent(sessionId)}/stream`), {
        headers: { accept: 'text/event-stream', ...authHeaders(), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        signal: controller.signal,
      });
    } catch {
      cancel(headerTimer);
      return retry();
    } finally {
      cancel(headerTimer);
    }
    if (closed) return;
    if (!res.ok || !res.body) {
      const final = FINAL_STATUS[res.status];
      if (final) {
        closed = true;
        if (res.status === 401) reportUnauthorized('unauthorized');
        status('closed', { code: final });
        return;
      }
      return retry();
    }
    attempt = 0;
    status('open');
    const parser = new SseParser();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const frame of parser.push(value)) {
          let event: StreamEvent;
          try {
            event = JSON.parse(frame.data) as StreamEvent;
          } catch {
            continue;
          }
          if (frame.id) lastEventId = frame.id;
          if (typeof event?.type === 'string') handlers.onEvent(event);
        }
      }
    } catch {
      // network drop or abort: handled below
    }
    if (!closed) retry();
  }

  void connect();
  return {
    close() {
      closed = true;
      cancel(timer);
      controller?.abort();
      status('closed');
    },
  };
}
