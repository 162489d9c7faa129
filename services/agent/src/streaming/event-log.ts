// A session's event history as seen by stream subscribers: every event gets an id
// "<epoch>-<seq>" and a bounded replay buffer keeps the newest ones, so a client that reconnects
// with Last-Event-ID gets exactly what it missed. The epoch is new each time the session is
// loaded into this process: ids from before an agent restart never match, and those clients get
// a fresh snapshot instead.
import { randomBytes } from 'node:crypto';

export interface LoggedEvent {
  id: string;
  seq: number;
  /** The event serialized once, shared by every subscriber. */
  json: string;
}

export type EventSink = (event: LoggedEvent) => void;

export interface EventLogLimits {
  maxEvents: number;
  maxBytes: number;
}

export const DEFAULT_EVENT_LOG_LIMITS: EventLogLimits = { maxEvents: 5_000, maxBytes: 16 * 1024 * 1024 };

export class EventLog {
  readonly epoch = randomBytes(4).toString('hex');
  private seq = 0;
  private buffer: LoggedEvent[] = [];
  private bufferBytes = 0;
  private readonly sinks = new Set<EventSink>();
  private readonly closers = new Set<() => void>();

  constructor(private readonly limits: EventLogLimits = DEFAULT_EVENT_LOG_LIMITS) {}

  /** Id of the newest event (or `<epoch>-0` before the first one). */
  get lastId(): string {
    return `${this.epoch}-${this.seq}`;
  }

  get subscriberCount(): number {
    return this.sinks.size;
  }

  /** Events and serialized bytes held for replay (per-session gauges). */
  get replaySize(): { events: number; bytes: number } {
    return { events: this.buffer.length, bytes: this.bufferBytes };
  }

  append(event: object): LoggedEvent {
    const seq = ++this.seq;
    const logged: LoggedEvent = { id: `${this.epoch}-${seq}`, seq, json: JSON.stringify(event) };
    this.buffer.push(logged);
    this.bufferBytes += logged.json.length;
    this.trim();
    for (const sink of this.sinks) sink(logged);
    return logged;
  }

  /**
   * The events after `lastEventId`, or undefined when they cannot all be given (other epoch,
   * unknown id, or some already evicted): the caller then sends a snapshot.
   */
  since(lastEventId: string): LoggedEvent[] | undefined {
    const m = /^([0-9a-f]+)-(\d+)$/.exec(lastEventId);
    if (!m || m[1] !== this.epoch) return undefined;
    const seq = Number(m[2]);
    if (seq > this.seq) return undefined;
    const oldest = this.buffer[0]?.seq ?? this.seq + 1;
    if (seq + 1 < oldest) return undefined;
    return this.buffer.filter((e) => e.seq > seq);
  }

  /** Adds a live subscriber; `onClose` runs when the log is closed (session disposed). */
  subscribe(sink: EventSink, onClose: () => void): () => void {
    this.sinks.add(sink);
    this.closers.add(onClose);
    return () => {
      this.sinks.delete(sink);
      this.closers.delete(onClose);
    };
  }

  /** Frees the replay buffer (an idle session): clients that are behind then get a snapshot. */
  clearReplay(): void {
    this.buffer = [];
    this.bufferBytes = 0;
  }

  close(): void {
    const closers = [...this.closers];
    this.sinks.clear();
    this.closers.clear();
    for (const c of closers) c();
  }

  private trim(): void {
    const { maxEvents, maxBytes } = this.limits;
    let drop = 0;
    while (drop < this.buffer.length - 1 && (this.buffer.length - drop > maxEvents || this.bufferBytes > maxBytes)) {
      this.bufferBytes -= this.buffer[drop]!.json.length;
      drop++;
    }
    if (drop > 0) this.buffer = this.buffer.slice(drop);
  }
}
