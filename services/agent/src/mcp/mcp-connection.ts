// One MCP server connection (contract §10.3) through the official SDK client: stdio servers run with the SDK's
// default environment allowlist plus the configured env (nothing else of ours, so no provider key or
// FORGE secret reaches the child); remote servers speak streamable HTTP, `auto` falling back to SSE.
// A failed or lost connection retries with exponential backoff; a call that finds its MCP session gone
// (the server restarted) reconnects once and retries. Every wait here is bounded.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Logger } from 'pino';
import type { McpServerConfig } from './mcp-config.js';
import type { McpCallResult } from './mcp-result.js';

export type McpState = 'idle' | 'connecting' | 'connected' | 'error' | 'disabled' | 'trust_required';
export type McpScope = 'global' | 'project';

export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** Connect + initialize + list tools, per attempt. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** One tool call (the SDK's default request timeout). */
export const CALL_TIMEOUT_MS = 60_000;
/** Backoff between reconnect attempts: 1 s doubling to at most 30 s. */
export const RETRY_BASE_MS = 1_000;
export const RETRY_MAX_MS = 30_000;

export interface McpConnectionOptions {
  name: string;
  scope: McpScope;
  projectId?: string;
  config: McpServerConfig;
  /** The child's cwd when the config names none (the project folder for project servers). */
  defaultCwd?: string;
  /** Set when the server must not start: the master switch / `enabled: false`, or an untrusted project stdio entry. */
  gate?: 'disabled' | 'trust_required';
  logger: Logger;
  clientVersion: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The server no longer knows our MCP session (it restarted): reconnect and retry. */
function isStaleSession(err: unknown): boolean {
  return err instanceof StreamableHTTPError && (err.code === 404 || (err.code === 400 && /session/i.test(err.message)));
}

/** The transport failed (refused, reset, closed): a reconnect may help; a protocol error from the tool would not. */
function isTransportFailure(err: unknown): boolean {
  if (err instanceof StreamableHTTPError) return true;
  const m = message(err);
  return err instanceof TypeError || /fetch failed|ECONNREFUSED|ECONNRESET|socket|terminated|Connection closed|Not connected/i.test(m);
}

export class McpConnection {
  state: McpState;
  lastError?: string;
  tools: McpToolInfo[] = [];
  transport?: 'streamable-http' | 'sse' | 'stdio';
  private client?: Client;
  private connecting?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private attempt = 0;
  private closed = false;

  constructor(private readonly opts: McpConnectionOptions) {
    this.state = opts.gate ?? 'idle';
  }

  get name(): string {
    return this.opts.name;
  }
  get scope(): McpScope {
    return this.opts.scope;
  }
  get projectId(): string | undefined {
    return this.opts.projectId;
  }
  get config(): McpServerConfig {
    return this.opts.config;
  }
  get gate(): McpConnectionOptions['gate'] {
    return this.opts.gate;
  }

  /** Starts connecting in the background (no-op when gated or already connected/connecting). */
  start(): void {
    if (this.opts.gate || this.closed || this.state === 'connected' || this.connecting) return;
    void this.connect();
  }

  /** Resolves once the current attempt settles, or after `ms`, whichever comes first (never rejects). */
  async settled(ms: number): Promise<void> {
    if (!this.connecting) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.connecting, new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }

  /** One connect attempt at a time; on failure the state is `error` and a retry is scheduled. */
  connect(): Promise<void> {
    if (this.opts.gate || this.closed) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Drops the current connection and connects again now (probe, stale session). */
  async reconnect(): Promise<void> {
    if (this.connecting) await this.connecting;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    await this.drop();
    await this.connect();
  }

  async callTool(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallResult> {
    if (this.opts.gate) throw new Error(`MCP server ${this.name} is ${this.opts.gate}`);
    if (!this.client) {
      // Not connected (yet, or any more): one immediate attempt instead of waiting for the backoff timer.
      clearTimeout(this.retryTimer);
      await this.connect();
    }
    const call = (client: Client) =>
      client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: CALL_TIMEOUT_MS }) as Promise<McpCallResult>;
    const client = this.client;
    if (!client) throw new Error(`MCP server ${this.name} is not connected: ${this.lastError ?? 'unknown error'}`);
    try {
      return await call(client);
    } catch (err) {
      if (signal?.aborted || !(isStaleSession(err) || isTransportFailure(err))) throw err;
      this.opts.logger.info(
        { server: this.name, scope: this.scope, err: message(err) },
        'MCP call failed on the transport; reconnecting once',
      );
      await this.reconnect();
      if (!this.client) throw new Error(`MCP server ${this.name} is not reachable: ${this.lastError ?? message(err)}`, { cause: err });
      return call(this.client);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.drop();
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.close().catch(() => undefined);
    if (!this.opts.gate && !this.closed) this.state = 'idle';
  }

  private async open(): Promise<void> {
    this.state = 'connecting';
    try {
      const client = await this.dial();
      if (this.closed) {
        await client.close().catch(() => undefined);
        return;
      }
      client.onclose = () => {
        if (this.client !== client) return; // closed on purpose
        this.client = undefined;
        this.fail(new Error('connection closed'));
      };
      this.tools = await this.listTools(client);
      this.client = client;
      this.state = 'connected';
      this.lastError = undefined;
      this.attempt = 0;
      this.opts.logger.info(
        { server: this.name, scope: this.scope, projectId: this.projectId, tools: this.tools.length },
        'MCP server connected',
      );
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.state = 'error';
    this.lastError = message(err);
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.attempt++);
    this.opts.logger.warn(
      { server: this.name, scope: this.scope, projectId: this.projectId, err: this.lastError, retryInMs: delay },
      'MCP server unavailable',
    );
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  private async listTools(client: Client): Promise<McpToolInfo[]> {
    const out: McpToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: CONNECT_TIMEOUT_MS });
      for (const t of page.tools)
        out.push({ name: t.name, description: t.description ?? t.title ?? t.name, inputSchema: t.inputSchema as Record<string, unknown> });
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  private newClient(): Client {
    return new Client({ name: 'pi-forge', version: this.opts.clientVersion }, { capabilities: {} });
  }

  private async attach(transport: Transport): Promise<Client> {
    const client = this.newClient();
    try {
      await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
      return client;
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
  }

  private async dial(): Promise<Client> {
    const cfg = this.opts.config;
    if (cfg.command) {
      this.transport = 'stdio';
      return this.attach(
        new StdioClientTransport({
          command: cfg.command,
          args: cfg.args ?? [],
          // The SDK's allowlist (HOME, PATH, USER, …) plus what the config names; never the agent's own env.
          env: { ...getDefaultEnvironment(), ...(cfg.env ?? {}) },
          cwd: cfg.cwd ?? this.opts.defaultCwd,
          stderr: 'inherit',
        }),
      );
    }
    const url = new URL(cfg.url!);
    const requestInit: RequestInit = { headers: { ...(cfg.headers ?? {}) } };
    const fetchFn = cfg.ignoreCertificateErrors ? insecureFetch() : undefined;
    const mode = cfg.transport ?? 'auto';
    let streamableError: unknown;
    if (mode !== 'sse') {
      try {
        const client = await this.attach(new StreamableHTTPClientTransport(url, { requestInit, ...(fetchFn ? { fetch: fetchFn } : {}) }));
        this.transport = 'streamable-http';
        return client;
      } catch (err) {
        if (mode === 'streamable-http') throw err;
        streamableError = err;
      }
    }
    try {
      const client = await this.attach(new SSEClientTransport(url, { requestInit, ...(fetchFn ? { fetch: fetchFn } : {}) }));
      this.transport = 'sse';
      return client;
    } catch (err) {
      throw streamableError ? new Error(`streamable-http: ${message(streamableError)}; sse: ${message(err)}`) : err;
    }
  }
}

let insecure: typeof fetch | undefined;
/** fetch that accepts any TLS certificate, for servers configured with `ignoreCertificateErrors` only. */
function insecureFetch(): typeof fetch {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  insecure ??= ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
  return insecure;
}
