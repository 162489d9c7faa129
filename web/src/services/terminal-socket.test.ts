import { describe, expect, it, vi } from 'vitest';
import { TerminalSocket } from './terminal-socket';

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  sent: string[] = [];
  closedWith: [number, string] | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(d: string) {
    this.sent.push(d);
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

function make(extra: Partial<ConstructorParameters<typeof TerminalSocket>[0]> = {}) {
  FakeSocket.all = [];
  const data: (string | Uint8Array)[] = [];
  const statuses: { s: string; d?: unknown }[] = [];
  const delays: number[] = [];
  const timers: (() => void)[] = [];
  const sock = new TerminalSocket({
    projectId: 'p1',
    tabId: 'tab-1',
    onData: (d) => data.push(d),
    onStatus: (s, d) => statuses.push({ s, d }),
    credentials: async () => ({ ticket: 't-1' }),
    createSocket: (u) => new FakeSocket(u) as unknown as WebSocket,
    setTimeout: (fn, ms) => {
      delays.push(ms);
      timers.push(fn);
      return 0;
    },
    clearTimeout: () => {},
    location: { protocol: 'http:', host: 'h:1' },
    ...extra,
  });
  return { sock, data, statuses, delays, timers };
}

describe('TerminalSocket', () => {
  it('connects with projectId, tabId and a ticket, and sends JSON input and resize', async () => {
    const { sock, data } = make();
    await sock.connect();
    const ws = FakeSocket.all[0]!;
    expect(ws.url).toBe('ws://h:1/api/v1/terminal?projectId=p1&tabId=tab-1&ticket=t-1');
    expect(ws.binaryType).toBe('arraybuffer');
    sock.resize(100, 30);
    ws.open();
    sock.input('ls\r');
    expect(ws.sent.map((s) => JSON.parse(s))).toEqual([
      { type: 'resize', cols: 100, rows: 30 },
      { type: 'input', data: 'ls\r' },
    ]);
    ws.onmessage?.({ data: new TextEncoder().encode('hi').buffer });
    expect(new TextDecoder().decode(data[0] as Uint8Array)).toBe('hi');
  });

  it('keeps keystrokes typed while disconnected and sends them after the reconnect, same tabId', async () => {
    const { sock, delays, timers } = make();
    await sock.connect();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop(1006);
    expect(delays).toEqual([1000]);
    sock.input('echo ');
    sock.input('kept\r');
    expect(sock.queuedInput).toBe('echo kept\r');
    timers.shift()!();
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    const ws2 = FakeSocket.all[1]!;
    expect(ws2.url).toContain('tabId=tab-1');
    ws2.open();
    expect(ws2.sent.map((s) => JSON.parse(s))).toEqual([{ type: 'input', data: 'echo kept\r' }]);
    expect(sock.queuedInput).toBe('');
  });

  it('backs off 1 s, 2 s, 4 s across failed attempts', async () => {
    const { sock, delays, timers } = make();
    await sock.connect();
    for (let i = 0; i < 3; i++) {
      FakeSocket.all.at(-1)!.drop(1006);
      timers.shift()!();
      await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(i + 2));
    }
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('stops for good on auth failure, a replaced attach and a shell exit', async () => {
    for (const code of [4401, 4409, 1000]) {
      const { sock, delays, statuses } = make();
      await sock.connect();
      FakeSocket.all[0]!.open();
      FakeSocket.all[0]!.drop(code);
      expect(delays).toEqual([]);
      expect(statuses.at(-1)).toMatchObject({ s: 'closed', d: { code } });
      sock.input('x');
      expect(sock.queuedInput).toBe('');
    }
  });

  it('retries (never falls back to the token) when the ticket cannot be fetched', async () => {
    let fail = true;
    const { sock, delays, timers } = make({
      credentials: async () => {
        if (fail) throw new TypeError('connection refused');
        return { ticket: 't-2' };
      },
    });
    await sock.connect();
    expect(FakeSocket.all).toHaveLength(0);
    expect(delays).toEqual([1000]);
    fail = false;
    timers.shift()!();
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    expect(FakeSocket.all[0]!.url).toContain('ticket=t-2');
  });

  it('closes with tab_closed only when the tab is closed for good', async () => {
    const { sock } = make();
    await sock.connect();
    FakeSocket.all[0]!.open();
    sock.close(true);
    expect(FakeSocket.all[0]!.closedWith).toEqual([1000, 'tab_closed']);
    const b = make();
    await b.sock.connect();
    FakeSocket.all[0]!.open();
    b.sock.close(false);
    expect(FakeSocket.all[0]!.closedWith).toEqual([1001, 'detach']);
  });
});

describe('defaultCredentials', () => {
  it('uses a ticket, falls back to the token only when the server has no ticket route, and rethrows network errors', async () => {
    const { configureHttp } = await import('./http');
    const { defaultCredentials } = await import('./terminal-socket');
    configureHttp({ getToken: () => 'jwt-x' });
    try {
      vi.stubGlobal(
        'fetch',
        vi.fn(async () => new Response(JSON.stringify({ ticket: 'tk' }), { status: 200 })),
      );
      await expect(defaultCredentials()).resolves.toEqual({ ticket: 'tk' });
      vi.stubGlobal(
        'fetch',
        vi.fn(async () => new Response(JSON.stringify({ error: 'not_found' }), { status: 404 })),
      );
      await expect(defaultCredentials()).resolves.toEqual({ token: 'jwt-x' });
      vi.stubGlobal(
        'fetch',
        vi.fn(async () => {
          throw new TypeError('connection refused');
        }),
      );
      await expect(defaultCredentials()).rejects.toThrow('connection refused');
    } finally {
      vi.unstubAllGlobals();
      configureHttp({ getToken: () => null });
    }
  });
});
