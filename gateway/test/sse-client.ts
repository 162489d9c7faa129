// A small SSE reader for tests and benchmarks: fetch + stream parsing of `id:`/`data:` frames and
// `:` comments, with waits that always time out.
export interface SseEvent {
  id?: string;
  type: string;
  data: Record<string, unknown>;
  receivedAt: number;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  comments = 0;
  ended = false;
  private readonly waiters = new Set<() => void>();
  private readonly controller = new AbortController();

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly errorBody?: unknown,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<SseClient> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const res = await fetch(url, { headers, signal: controller.signal });
    clearTimeout(timer);
    if (res.status !== 200) {
      const body = await res.json().catch(() => undefined);
      return new SseClient(res.status, res.headers, body);
    }
    const client = new SseClient(res.status, res.headers);
    client.controller.signal.addEventListener('abort', () => controller.abort());
    void client.pump(res.body!);
    return client;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          this.parse(block);
        }
      }
    } catch {
      // aborted or cut by the server: `ended` tells
    }
    this.ended = true;
    this.notify();
  }

  private parse(block: string): void {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments++;
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    const parsed = JSON.parse(data.join('\n')) as Record<string, unknown>;
    this.events.push({ id, type: String(parsed.type), data: parsed, receivedAt: performance.timeOrigin + performance.now() });
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  get lastId(): string | undefined {
    return [...this.events].reverse().find((e) => e.id)?.id;
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  /**
   * Resolves with what `probe` returns once it is defined; rejects if `probe` throws or on timeout. Re-checked after every event and when the stream ends.
   */
  private until<T>(probe: () => T | undefined, timeoutMessage: () => string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (err) {
          cleanup();
          reject(err);
          return;
        }
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(timeoutMessage()));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves with the first event (from index `from`) matching `pred`. */
  waitFor(pred: (e: SseEvent) => boolean, label: string, timeoutMs = 20_000, from = 0): Promise<SseEvent> {
    return this.until(
      () => {
        const hit = this.events.slice(from).find(pred);
        if (hit) return hit;
        if (this.ended) throw new Error(`stream ended before ${label}; saw ${this.types().join(',')}`);
        return undefined;
      },
      () => `timed out after ${timeoutMs} ms waiting for ${label}; saw ${this.types().join(',')}`,
      timeoutMs,
    );
  }

  /** Resolves when the server ends the stream. */
  async waitEnded(label: string, timeoutMs = 20_000): Promise<void> {
    await this.until(
      () => (this.ended ? true : undefined),
      () => `timed out waiting for the stream to end (${label})`,
      timeoutMs,
    );
  }

  close(): void {
    this.controller.abort();
  }
}

export function openStream(baseUrl: string, sessionId: string, apiKey: string, lastEventId?: string): Promise<SseClient> {
  return SseClient.open(`${baseUrl}/api/v1/sessions/${sessionId}/stream`, {
    authorization: `Bearer ${apiKey}`,
    ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
  });
}

/** Text of the streamed text_delta events, in order. */
export function streamedText(events: SseEvent[]): string {
  return events
    .filter((e) => e.type === 'message_update' && (e.data.assistantMessageEvent as { type?: string } | undefined)?.type === 'text_delta')
    .map((e) => (e.data.assistantMessageEvent as { delta: string }).delta)
    .join('');
}
