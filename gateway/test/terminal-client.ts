// A real WebSocket client for the terminal route, for tests and benchmarks: collects binary output,
// sends the contract's JSON messages, and waits (always with a timeout) for text or the close.
import { mkdirSync, readFileSync, realpathSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { waitFor, type Stack } from '@pi-forge/test-fixtures';

export interface Closed {
  code: number;
  reason: string;
}

export class TermClient {
  readonly ws: WebSocket;
  readonly chunks: Buffer[] = [];
  bytes = 0;
  textFrames = 0;
  pings = 0;
  closed: Closed | undefined;
  /** HTTP status when the upgrade was refused. */
  rejectedStatus: number | undefined;
  rejectedBody = '';
  readonly done: Promise<Closed>;

  /** keepOutput = false only counts bytes (benchmarks moving hundreds of MB). */
  constructor(
    url: string,
    headers: Record<string, string> = {},
    private readonly keepOutput = true,
  ) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) this.textFrames++;
      if (keepOutput) this.chunks.push(data);
      this.bytes += data.length;
    });
    this.ws.on('ping', () => {
      this.pings++;
    });
    let settle: (c: Closed) => void = () => {};
    this.done = new Promise((resolve) => {
      settle = resolve;
    });
    const finish = (c: Closed) => {
      if (this.closed) return;
      this.closed = c;
      settle(c);
    };
    // A refused upgrade never opens, so it never closes either: what a browser sees is 1006.
    this.ws.on('unexpected-response', (req, res) => {
      this.rejectedStatus = res.statusCode;
      res.on('data', (d: Buffer) => {
        this.rejectedBody += d.toString();
      });
      res.on('end', () => {
        req.destroy();
        finish({ code: 1006, reason: '' });
      });
    });
    this.ws.on('error', () => {
      /* the close carries the outcome */
    });
    this.ws.on('close', (code, reason) => finish({ code, reason: reason.toString() }));
  }

  /** All output so far as text (ANSI included). */
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** Output from byte `from` on, copying only the chunks that hold it (a flood test keeps tens of MB). */
  textFrom(from: number): string {
    if (!this.keepOutput) throw new Error('this client only counts bytes (keepOutput = false)');
    let start = this.chunks.length;
    let offset = this.bytes;
    while (start > 0 && offset > from) offset -= this.chunks[--start].length;
    return Buffer.concat(this.chunks.slice(start))
      .subarray(from - offset)
      .toString('utf8');
  }

  opened(timeoutMs = 10_000): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) return Promise.resolve();
    return waitFor(
      'socket open',
      () =>
        this.ws.readyState === WebSocket.OPEN ||
        (this.closed ? Promise.reject(new Error(`closed ${this.closed.code} ${this.closed.reason}`)) : false),
      timeoutMs,
      10,
    ).then(() => undefined);
  }

  input(data: string): void {
    this.ws.send(JSON.stringify({ type: 'input', data }));
  }

  resize(cols: number, rows: number): void {
    this.ws.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  /** Waits until the output after byte `from` matches; returns the match. */
  async waitForText(pattern: RegExp | string, timeoutMs = 10_000, from = 0): Promise<RegExpMatchArray> {
    const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    return waitFor(`output ${re}`, () => this.textFrom(from).match(re) ?? false, timeoutMs, 10).catch((err: Error) => {
      throw new Error(`${err.message}\n--- output tail ---\n${JSON.stringify(this.text.slice(-600))}`);
    });
  }

  async waitClosed(timeoutMs = 10_000): Promise<Closed> {
    return waitFor('socket closed', () => this.closed, timeoutMs, 10);
  }

  /** Runs a command and returns what it printed between two markers. */
  async run(command: string, timeoutMs = 10_000): Promise<string> {
    const tag = randomUUID().slice(0, 8);
    const from = this.bytes;
    // The markers are built by the shell, so the echoed command line never matches them.
    this.input(`echo "<<$((1))${tag}"; ${command}; echo "$((2))${tag}>>"\r`);
    const m = await this.waitForText(new RegExp(`<<1${tag}\\r?\\n([\\s\\S]*?)2${tag}>>`), timeoutMs, from);
    return m[1];
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}

/** ws://…/api/v1/terminal with the given query (token added from the stack's API key unless given). */
export function terminalUrl(stack: Stack, query: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  const withToken = { token: stack.env.API_KEY, ...query };
  for (const [k, v] of Object.entries(withToken)) if (v !== undefined) q.set(k, v);
  return `ws://127.0.0.1:${stack.port}/api/v1/terminal?${q}`;
}

/** Registers a project folder in projects.json, the way the workspace service stores it. */
export function addProject(stack: Stack, name: string, files: Record<string, string> = {}): { id: string; path: string } {
  const folder = join(stack.dirs.workspace, name);
  mkdirSync(folder, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(folder, rel, '..'), { recursive: true });
    writeFileSync(join(folder, rel), text);
  }
  const file = join(stack.dirs.data, 'projects.json');
  const list = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8') || '[]') as unknown[]) : [];
  const project = { id: randomUUID(), name, path: realpathSync(folder), createdAt: new Date().toISOString() };
  writeFileSync(file, JSON.stringify([...list, project], null, 2));
  return project;
}
