// One terminal tab's WebSocket (docs/compatibility.md#terminal-protocol): JSON input/resize up, raw bytes down. The socket
// reconnects with backoff using the same tabId, so the server replays the PTY's recent output.
// Keystrokes typed while it is down are queued and sent on reconnect, never dropped.
import { API_BASE, ApiError, authHeaders, reportUnauthorized } from './http';
import { authApi } from './auth.api';
import { backoffDelay } from './backoff';

export type TerminalStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface TerminalSocketOptions {
  projectId: string;
  tabId: string;
  onData: (data: Uint8Array | string) => void;
  onStatus?: (status: TerminalStatus, detail?: { code?: number; reason?: string; retryInMs?: number }) => void;
  /** Credentials for the URL: a one-time ticket when the server issues them, else the token. */
  credentials?: () => Promise<Record<string, string>>;
  createSocket?: (url: string) => WebSocket;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
  location?: { protocol: string; host: string };
}

/** Close codes after which reconnecting cannot help. */
const FINAL_CODES: Record<number, string> = {
  4401: 'Not signed in any more.',
  4403: 'This page is not allowed to open terminals (origin check).',
  4404: 'This project no longer exists.',
  4409: 'This terminal was opened in another window.',
  1000: 'The shell exited.',
};

export async function defaultCredentials(): Promise<Record<string, string>> {
  const bearer = authHeaders().authorization;
  if (!bearer) return {};
  try {
    const { ticket } = await authApi.ticket();
    if (ticket) return { ticket };
  } catch (err) {
    // Only a server without the ticket route gets the token in the query (the contract's way);
    // a network error is retried, never answered by putting the token in a URL.
    if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 405)) throw err;
  }
  return { token: bearer.slice('Bearer '.length) };
}

export class TerminalSocket {
  private ws: WebSocket | undefined;
  private closed = false;
  private attempt = 0;
  private timer: unknown;
  private pending: string[] = [];
  private size: { cols: number; rows: number } | undefined;
  status: TerminalStatus = 'connecting';

  constructor(private readonly opts: TerminalSocketOptions) {}

  async connect(): Promise<void> {
    if (this.closed) return;
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let creds: Record<string, string>;
    try {
      creds = await (this.opts.credentials ?? defaultCredentials)();
    } catch (err) {
      if (this.closed) return;
      if (err instanceof ApiError && err.status === 401) {
        // http.ts has already told the auth store: back to the login.
        this.closed = true;
        this.setStatus('closed', { code: 4401, reason: FINAL_CODES[4401] });
        return;
      }
      return this.retryLater();
    }
    if (this.closed) return;
    const loc = this.opts.location ?? window.location;
    const qs = new URLSearchParams({ projectId: this.opts.projectId, tabId: this.opts.tabId, ...creds });
    const url = `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${API_BASE}/terminal?${qs}`;
    const ws = (this.opts.createSocket ?? ((u) => new WebSocket(u)))(url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setStatus('open');
      if (this.size) this.sendFrame({ type: 'resize', ...this.size });
      const queued = this.pending.splice(0);
      if (queued.length) this.sendFrame({ type: 'input', data: queued.join('') });
    };
    ws.onmessage = (e: MessageEvent) => this.opts.onData(typeof e.data === 'string' ? e.data : new Uint8Array(e.data as ArrayBuffer));
    ws.onclose = (e: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.closed) return;
      const final = FINAL_CODES[e.code];
      if (final) {
        this.closed = true;
        if (e.code === 4401) reportUnauthorized('auth_required');
        this.setStatus('closed', { code: e.code, reason: final });
        return;
      }
      this.retryLater(e.code);
    };
  }

  private retryLater(code?: number): void {
    const retryInMs = backoffDelay(this.attempt);
    this.attempt += 1;
    this.setStatus('reconnecting', { code, retryInMs });
    this.timer = (this.opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms)))(() => void this.connect(), retryInMs);
  }

  /** Keystrokes: sent now if the socket is open, else kept for the reconnect. */
  input(data: string): void {
    if (this.ws?.readyState === 1) this.sendFrame({ type: 'input', data });
    else if (!this.closed) this.pending.push(data);
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    if (this.ws?.readyState === 1) this.sendFrame({ type: 'resize', cols, rows });
  }

  /** `tab_closed` asks the server to kill the shell; any other close leaves it for a reattach. */
  close(killShell = false): void {
    this.closed = true;
    (this.opts.clearTimeout ?? ((id) => globalThis.clearTimeout(id as number)))(this.timer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState <= 1) ws.close(killShell ? 1000 : 1001, killShell ? 'tab_closed' : 'detach');
    this.setStatus('closed');
  }

  get queuedInput(): string {
    return this.pending.join('');
  }

  private sendFrame(frame: unknown): void {
    this.ws?.send(JSON.stringify(frame));
  }

  private setStatus(status: TerminalStatus, detail?: { code?: number; reason?: string; retryInMs?: number }): void {
    this.status = status;
    this.opts.onStatus?.(status, detail);
  }
}
