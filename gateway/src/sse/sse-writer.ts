// The gateway's one way to write Server-Sent Events (docs/compatibility.md#sse-streams): the response
// headers, `id:`/`data:` frames, the heartbeat comment every SSE_HEARTBEAT_MS, the 2 KB padding
// that makes buffering proxies flush, and backpressure. Session streams and clone progress both
// write through it, so a fix to any of these lands on every stream.
import type { ServerResponse } from 'node:http';

/** A client whose socket holds more than this unsent is dropped (it reconnects with Last-Event-ID). */
export const SSE_CLIENT_BUFFER_LIMIT = 8 * 1024 * 1024;
/** Proxies (nginx, some CDNs) buffer small writes; 2 KB of comment pushes a frame through. */
export const SSE_PAD = ' '.repeat(2048);

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/** One event as SSE bytes: an optional `id:` line and one `data:` line (the payload is one-line JSON). */
export function sseEventFrame(data: string, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}data: ${data}\n\n`;
}

/** A comment frame (ignored by parsers); `padded` appends the 2 KB proxy-flush padding. */
export function sseCommentFrame(text: string, padded = false): string {
  return `: ${text}${padded ? ` ${SSE_PAD}` : ''}\n\n`;
}

export interface SseWriterOptions {
  heartbeatMs: number;
  /** Pad the heartbeat to 2 KB (session streams) or send the bare `: heartbeat` (clone progress). */
  padHeartbeat: boolean;
  bufferLimit?: number;
  /** Called once when the writer ends, `dropped` when backpressure cut the client off. */
  onClose?: (dropped: boolean) => void;
}

export class SseWriter {
  private heartbeat: NodeJS.Timeout | undefined;
  private opened = false;
  private _closed = false;
  private readonly bufferLimit: number;

  constructor(
    private readonly raw: ServerResponse,
    private readonly options: SseWriterOptions,
  ) {
    this.bufferLimit = options.bufferLimit ?? SSE_CLIENT_BUFFER_LIMIT;
    // A client that goes away stops the heartbeat and tells the owner.
    raw.on('close', () => this.close(false));
  }

  get closed(): boolean {
    return this._closed;
  }

  /**
   * Writes the headers and sends them at once (a client resuming at the newest event may get no
   * event for a while and must not wait for the first heartbeat to learn the stream is open),
   * then starts the heartbeat.
   */
  open(): void {
    if (this.opened || this._closed) return;
    this.opened = true;
    if (this.raw.destroyed) return this.close(false);
    this.raw.writeHead(200, SSE_HEADERS);
    this.raw.flushHeaders();
    const beat = sseCommentFrame('heartbeat', this.options.padHeartbeat);
    this.heartbeat = setInterval(() => this.write(beat), this.options.heartbeatMs);
  }

  /** Writes one event; false when the writer is closed (or just got closed by backpressure). */
  event(data: string, id?: string): boolean {
    return this.write(sseEventFrame(data, id));
  }

  comment(text: string, padded = false): boolean {
    return this.write(sseCommentFrame(text, padded));
  }

  /**
   * Writes pre-framed bytes (the session hub frames each event once for all its clients). A client
   * already holding more than the buffer limit unsent is dropped instead: one slow reader must not
   * grow the gateway.
   */
  write(frame: string): boolean {
    if (this._closed) return false;
    if (this.raw.writableLength > this.bufferLimit) {
      this.close(true);
      return false;
    }
    this.raw.write(frame);
    return true;
  }

  /** Resolves once the socket has room again (or the writer closed): for producers that can wait. */
  drained(): Promise<void> {
    if (this._closed || !this.raw.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.raw.off('drain', done);
        this.raw.off('close', done);
        resolve();
      };
      this.raw.on('drain', done);
      this.raw.on('close', done);
    });
  }

  /** Ends the stream: `dropped` destroys the socket (backpressure), otherwise a clean end. */
  close(dropped: boolean): void {
    if (this._closed) return;
    this._closed = true;
    clearInterval(this.heartbeat);
    if (this.opened) {
      if (dropped) this.raw.destroy();
      else if (!this.raw.destroyed) this.raw.end();
    }
    this.options.onClose?.(dropped);
  }
}
