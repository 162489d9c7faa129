// The gateway's fan-out: one live gRPC StreamEvents call per session, however many SSE clients
// follow it. Each event is framed as SSE once and written to every client through its SseWriter
// (heartbeat, padding and the 8 MB backpressure drop live there), so one slow reader never stalls
// the others or grows the gateway. A joining client gets its own snapshot or replay from a short
// catch-up call, then continues on the shared stream from the next event id.
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';
import type { StreamEventsResponse } from '@pi-forge/proto/agent';
import { AgentClient, type AgentEventStream } from '../clients/agent.client.js';
import { ForgeMetrics } from '../metrics/forge-metrics.js';
import { SseWriter, sseCommentFrame, sseEventFrame } from '../sse/sse-writer.js';

const READY_TIMEOUT_MS = 60_000;
/** Events after which proxies must flush at once (docs/compatibility.md#sse-streams). */
const PADDED: Record<string, string> = {
  compaction_start: 'pad-flush',
  session_list_changed: 'session-list-changed',
  session_renamed: 'session-renamed',
};

interface EventId {
  epoch: string;
  seq: number;
}

function parseId(id: string): EventId | undefined {
  const m = /^([0-9a-f]+)-(\d+)$/.exec(id);
  return m ? { epoch: m[1]!, seq: Number(m[2]) } : undefined;
}

/** One event as SSE bytes, padded when proxies must flush right after it. */
export function sseFrame(m: StreamEventsResponse): string {
  const type = /^\{"type":"([a-z_]+)"/.exec(m.eventJson)?.[1];
  const pad = type && PADDED[type] ? sseCommentFrame(PADDED[type], true) : '';
  return sseEventFrame(m.eventJson, m.id) + pad;
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
  private readonly writer: SseWriter;

  constructor(raw: ServerResponse, heartbeatMs: number, onClose: (c: SseClient, dropped: boolean) => void) {
    this.writer = new SseWriter(raw, { heartbeatMs, padHeartbeat: true, onClose: (dropped) => onClose(this, dropped) });
  }

  get closed(): boolean {
    return this.writer.closed;
  }

  /** Opens the stream, sends the catch-up, then the buffered live events newer than it, then goes live. */
  start(events: StreamEventsResponse[], lastEventId: string): void {
    this.writer.open();
    for (const e of events) this.writer.write(sseFrame(e));
    this.after = parseId(events.at(-1)?.id ?? lastEventId);
    const buffered = this.pending ?? [];
    this.pending = undefined;
    for (const e of buffered) this.deliver(e, sseFrame(e));
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
    this.writer.write(frame);
  }

  close(dropped: boolean): void {
    this.writer.close(dropped);
  }
}

class SessionHub {
  readonly clients = new Set<SseClient>();
  readonly ready: Promise<void>;
  private readonly call: AgentEventStream;
  private first = true;
  closed = false;

  constructor(
    agent: AgentClient,
    readonly sessionId: string,
    private readonly onEmpty: (hub: SessionHub) => void,
  ) {
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
   * known to exist (call it once the response is the caller's to write: it sends the headers);
   * rejects with the agent service's error (404, 410, resume failure) before anything is written.
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
      return () => client.start(events, lastEventId);
    } catch (err) {
      client.close(false);
      throw err;
    }
  }
}
