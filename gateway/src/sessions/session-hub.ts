// The gateway's fan-out: one live gRPC StreamEvents call per session, however many SSE clients
// follow it. Each event is framed as SSE once and written to every client; a client whose socket
// holds more than 8 MB unsent is dropped (it reconnects with Last-Event-ID), so one slow reader
// never stalls the others or grows the gateway. A joining client gets its own snapshot or replay
// from a short catch-up call, then continues on the shared stream from the next event id.
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';
import type { StreamEventsResponse } from '@pi-forge/proto/agent';
import { AgentClient, type AgentEventStream } from '../clients/agent.client.js';
import { ForgeMetrics } from '../metrics/forge-metrics.js';

export const SSE_CLIENT_BUFFER_LIMIT = 8 * 1024 * 1024;
const READY_TIMEOUT_MS = 60_000;
const PAD = ' '.repeat(2048);
/** Events after which proxies must flush at once (contract §3.2). */
const PADDED: Record<string, string> = { compaction_start: 'pad-flush', session_list_changed: 'session-list-changed', session_renamed: 'session-renamed' };

interface EventId { epoch: string; seq: number }

function parseId(id: string): EventId | undefined {
  const m = /^([0-9a-f]+)-(\d+)$/.exec(id);
  return m ? { epoch: m[1]!, seq: Number(m[2]) } : undefined;
}

/** One event as SSE bytes, padded when proxies must flush right after it. */
export function sseFrame(m: StreamEventsResponse): string {
  const type = /^\{"type":"([a-z_]+)"/.exec(m.eventJson)?.[1];
  const pad = type && PADDED[type] ? `: ${PADDED[type]} ${PAD}\n\n` : '';
  return `id: ${m.id}\ndata: ${m.eventJson}\n\n${pad}`;
}

/** Resolves once the call has sent its first message; rejects with the call's error before that. */
function firstMessage(call: AgentEventStream, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      call.cancel();
      reject(Object.assign(new Error('the agent service did not answer in time'), { code: 4, details: '', metadata: {} }));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      call.off('data', done);
      call.off('error', fail);
      call.off('end', done);
      resolve();
    };
    const fail = (err: Error) => {
      clearTimeout(timer);
      call.off('data', done);
      call.off('end', done);
      reject(err);
    };
    call.on('data', done);
    call.once('error', fail);
    call.on('end', done);
  });
}

/** The snapshot or replay for one client: every message of a catch-up-only call. */
function catchUp(agent: AgentClient, sessionId: string, lastEventId: string): Promise<StreamEventsResponse[]> {
  return new Promise((resolve, reject) => {
    const call = agent.streamEvents({ sessionId, lastEventId, catchUpOnly: true });
    const out: StreamEventsResponse[] = [];
    const timer = setTimeout(() => {
      call.cancel();
      reject(Object.assign(new Error('the agent service did not answer in time'), { code: 4, details: '', metadata: {} }));
    }, READY_TIMEOUT_MS);
    call.on('data', (m: StreamEventsResponse) => out.push(m));
    call.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    call.on('end', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

class SseClient {
  /** Live events that arrived while the catch-up was in flight. */
  private pending: StreamEventsResponse[] | undefined = [];
  private after: EventId | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Headers are out: from here on the response is ours to end. */
  private started = false;
  closed = false;

  constructor(private readonly raw: ServerResponse, private readonly heartbeatMs: number, private readonly onClose: (c: SseClient, dropped: boolean) => void) {}

  /** Sends the catch-up, then the buffered live events newer than it, then goes live. */
  start(events: StreamEventsResponse[], lastEventId: string): void {
    this.started = true;
    if (this.raw.destroyed) return this.close(false);
    for (const e of events) this.write(sseFrame(e));
    this.after = parseId(events.at(-1)?.id ?? lastEventId);
    const buffered = this.pending ?? [];
    this.pending = undefined;
    for (const e of buffered) this.deliver(e, sseFrame(e));
    this.heartbeat = setInterval(() => this.write(`: heartbeat ${PAD}\n\n`), this.heartbeatMs);
  }

  deliver(m: StreamEventsResponse, frame: string): void {
    if (this.closed) return;
    if (this.pending) {
      this.pending.push(m);
      return;
    }
    const id = parseId(m.id);
    if (id && this.after) {
      if (id.epoch !== this.after.epoch) return this.close(false); // the agent restarted: reconnect for a snapshot
      if (id.seq <= this.after.seq) return; // already in the catch-up
    }
    this.write(frame);
  }

  private write(text: string): void {
    if (this.closed) return;
    if (this.raw.writableLength > SSE_CLIENT_BUFFER_LIMIT) return this.close(true);
    this.raw.write(text);
  }

  close(dropped: boolean): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (this.started) {
      if (dropped) this.raw.destroy();
      else if (!this.raw.destroyed) this.raw.end();
    }
    this.onClose(this, dropped);
  }
}

class SessionHub {
  readonly clients = new Set<SseClient>();
  readonly ready: Promise<void>;
  private readonly call: AgentEventStream;
  private first = true;
  closed = false;

  constructor(agent: AgentClient, readonly sessionId: string, private readonly onEmpty: (hub: SessionHub) => void) {
    this.call = agent.streamEvents({ sessionId, lastEventId: '', catchUpOnly: false });
    this.ready = firstMessage(this.call, READY_TIMEOUT_MS);
    this.ready.catch(() => this.close());
    this.call.on('data', (m: StreamEventsResponse) => {
      if (this.first) {
        this.first = false; // the hub's own snapshot: clients get theirs from their catch-up
        return;
      }
      const frame = sseFrame(m);
      for (const c of this.clients) c.deliver(m, frame);
    });
    this.call.on('error', () => this.close());
    this.call.on('end', () => this.close());
  }

  /** Ends every client (they reconnect with Last-Event-ID) and the upstream call. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.call.cancel();
    for (const c of [...this.clients]) c.close(false);
    this.onEmpty(this);
  }

  remove(client: SseClient): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.close();
  }
}

@Injectable()
export class SessionHubs {
  private readonly hubs = new Map<string, SessionHub>();

  constructor(
    private readonly agent: AgentClient,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Optional() private readonly metrics?: ForgeMetrics,
  ) {}

  /** Live SSE clients across all sessions. */
  get clientCount(): number {
    let n = 0;
    for (const h of this.hubs.values()) n += h.clients.size;
    return n;
  }

  private hub(sessionId: string): SessionHub {
    let hub = this.hubs.get(sessionId);
    if (!hub || hub.closed) {
      hub = new SessionHub(this.agent, sessionId, (h) => {
        if (this.hubs.get(sessionId) === h) this.hubs.delete(sessionId);
      });
      this.hubs.set(sessionId, hub);
    }
    return hub;
  }

  /**
   * Joins a client to the session's stream. Resolves with a start function once the session is
   * known to exist (call it after writing the response headers); rejects with the agent service's
   * error (404, 410, resume failure) before anything is written.
   */
  async join(sessionId: string, lastEventId: string, raw: ServerResponse): Promise<() => void> {
    const hub = this.hub(sessionId);
    const untrack = this.metrics?.trackSseClient();
    const client = new SseClient(raw, this.config.SSE_HEARTBEAT_MS, (c, dropped) => {
      untrack?.();
      if (dropped) this.logger.warn({ sessionId }, 'sse-client-dropped-backpressure');
      hub.remove(c);
    });
    hub.clients.add(client);
    try {
      // The hub's call must be subscribed before the catch-up is taken, or events between the two
      // would reach neither.
      await hub.ready;
      const events = await catchUp(this.agent, sessionId, lastEventId);
      if (hub.closed) throw Object.assign(new Error('the session stream closed'), { code: 14, details: '', metadata: {} });
      return () => {
        raw.on('close', () => client.close(false));
        client.start(events, lastEventId);
      };
    } catch (err) {
      client.close(false);
      throw err;
    }
  }
}
