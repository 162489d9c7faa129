import { describe, expect, it, vi } from 'vitest';
import { CONNECT_TIMEOUT_MS, openSessionStream, SseParser, type StreamEvent } from './session-stream';
import { configureHttp } from './http';

function sseResponse(chunks: string[], keepOpen = false): Response {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const ch of chunks) c.enqueue(new TextEncoder().encode(ch));
      if (!keepOpen) c.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('SseParser', () => {
  it('splits frames across chunk boundaries and drops comments', () => {
    const p = new SseParser();
    expect(p.push(': heartbeat ____\n\nid: s-1\ndata: {"type":"a"')).toEqual([]);
    expect(p.push('}\n\ndata: {"type":"b"}\r\n\r\n')).toEqual([{ id: 's-1', data: '{"type":"a"}' }, { data: '{"type":"b"}' }]);
    expect(p.push('data: line1\ndata: line2\n\n')).toEqual([{ data: 'line1\nline2' }]);
  });
});

describe('openSessionStream', () => {
  it('delivers events, then reconnects with backoff 1 s, 2 s … and resets after a good open', async () => {
    const events: StreamEvent[] = [];
    const statuses: string[] = [];
    const delays: number[] = [];
    const timers: (() => void)[] = [];
    let call = 0;
    const fetchMock = vi.fn(async () => {
      call += 1;
      if (call === 1)
        return sseResponse(['id: e-1\ndata: {"type":"snapshot","messages":[]}\n\n', 'id: e-2\ndata: {"type":"agent_start"}\n\n']);
      if (call <= 3) throw new TypeError('network down');
      if (call === 4) return sseResponse(['data: {"type":"snapshot","messages":[]}\n\n']);
      return sseResponse([], true);
    });
    const s = openSessionStream(
      's1',
      { onEvent: (e) => events.push(e), onStatus: (st) => statuses.push(st) },
      {
        fetch: fetchMock as unknown as typeof fetch,
        // header timeouts (20 s) are not reconnect delays
        setTimeout: (fn, ms) => {
          if (ms !== CONNECT_TIMEOUT_MS) {
            delays.push(ms);
            timers.push(fn);
          }
          return 0;
        },
        clearTimeout: () => {},
      },
    );
    await vi.waitFor(() => expect(delays).toEqual([1000]));
    expect(events.map((e) => e.type)).toEqual(['snapshot', 'agent_start']);
    timers.shift()!();
    await vi.waitFor(() => expect(delays).toEqual([1000, 2000]));
    timers.shift()!();
    await vi.waitFor(() => expect(delays).toEqual([1000, 2000, 4000]));
    timers.shift()!();
    await vi.waitFor(() => expect(events.map((e) => e.type)).toEqual(['snapshot', 'agent_start', 'snapshot']));
    // the 4th connection opened and then ended: the backoff starts again at 1 s
    await vi.waitFor(() => expect(delays).toEqual([1000, 2000, 4000, 1000]));
    timers.shift()!();
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(5));
    // Every reconnect asked for the events after the last one seen.
    const sent = (fetchMock.mock.calls as unknown as [string, RequestInit][]).map(
      ([, init]) => (init.headers as Record<string, string>)['last-event-id'],
    );
    expect(sent).toEqual([undefined, 'e-2', 'e-2', 'e-2', 'e-2']);
    expect(statuses).toContain('reconnecting');
    expect(statuses.at(-1)).toBe('open');
    s.close();
    expect(statuses.at(-1)).toBe('closed');
  });

  it('gives up on a connection that never answers and tries again', async () => {
    const timers: { fn: () => void; ms: number }[] = [];
    let calls = 0;
    const fetchMock = vi.fn((_url: string, init: RequestInit) => {
      calls += 1;
      return new Promise<Response>((_resolve, reject) =>
        init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    });
    const statuses: string[] = [];
    openSessionStream(
      's1',
      { onEvent: () => {}, onStatus: (st) => statuses.push(st) },
      {
        fetch: fetchMock as unknown as typeof fetch,
        setTimeout: (fn, ms) => {
          timers.push({ fn, ms });
          return timers.length;
        },
        clearTimeout: () => {},
      },
    );
    await vi.waitFor(() => expect(timers.map((t) => t.ms)).toEqual([20_000]));
    timers[0]!.fn(); // no headers within 20 s
    await vi.waitFor(() => expect(statuses).toContain('reconnecting'));
    expect(timers.map((t) => t.ms)).toEqual([20_000, 1000]);
    timers[1]!.fn();
    await vi.waitFor(() => expect(calls).toBe(2));
  });

  it('treats 401 as final and reports it; 404 as final without a retry', async () => {
    const onUnauthorized = vi.fn();
    configureHttp({ onUnauthorized });
    for (const [status, code] of [
      [401, 'unauthorized'],
      [404, 'session_not_found'],
      [410, 'session_tombstoned'],
    ] as const) {
      const later = vi.fn();
      const details: unknown[] = [];
      openSessionStream(
        's1',
        { onEvent: () => {}, onStatus: (st, d) => st === 'closed' && details.push(d) },
        {
          fetch: (async () => new Response('{}', { status })) as unknown as typeof fetch,
          setTimeout: later,
        },
      );
      await vi.waitFor(() => expect(details).toEqual([{ code }]));
      await tick();
      expect(later.mock.calls.filter((c) => c[1] !== CONNECT_TIMEOUT_MS)).toEqual([]);
    }
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    configureHttp({ onUnauthorized: () => {} });
  });

  it('sends the token as a header, never in the URL', async () => {
    configureHttp({ getToken: () => 'secret-token' });
    const fetchMock = vi.fn(async () => sseResponse([], true));
    const s = openSessionStream('a/b', { onEvent: () => {} }, { fetch: fetchMock as unknown as typeof fetch });
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/sessions/a%2Fb/stream');
    expect(url).not.toContain('secret');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer secret-token');
    s.close();
    configureHttp({ getToken: () => null });
  });
});
