// One browser socket bridged to one pty Attach stream. Output flows pty → gRPC → socket as binary
// frames; when the socket's send buffer passes HIGH_WATER the gRPC stream is paused (so the pty
// service pauses the pty) until it falls under LOW_WATER. Input flows the other way untouched by
// output backpressure, so Ctrl-C always gets through.
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { parseForgeError } from '@pi-forge/runtime';
import type { AttachEvent, AttachStream } from '../clients/pty.client.js';
import { CLOSE, TAB_CLOSED, type CloseCode } from './close-codes.js';
import { parseClientMessage, type ClientMessage } from './client-message.js';

export const HIGH_WATER = 512 * 1024;
export const LOW_WATER = 128 * 1024;
/** Input typed before the attach completes is held, up to this much. */
const MAX_EARLY_INPUT = 1024 * 1024;
/** The pty service answers an open with `attached` in milliseconds; a hung one gets this long. */
export const ATTACH_TIMEOUT_MS = 10_000;

export interface SessionTarget {
  projectId: string;
  tabId: string;
  cwd: string;
}

export interface SessionDeps {
  openStream: () => AttachStream;
  closeTerminal: (projectId: string, tabId: string) => Promise<unknown>;
  keepaliveMs: number;
  logger: Logger;
}

export class TerminalSession {
  private stream: AttachStream | undefined;
  private attached = false;
  private early: ClientMessage[] = [];
  private earlyBytes = 0;
  private closed = false;
  private outputPaused = false;
  private keepalive: NodeJS.Timeout | undefined;
  private attachTimer: NodeJS.Timeout | undefined;
  private awaitingPong = false;
  private target: SessionTarget | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
  ) {
    // Listen at once: the browser may type before the project lookup and attach complete.
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => this.onClientFrame(data));
    ws.on('close', (_code: number, reason: Buffer) => this.onSocketClosed(reason.toString()));
    ws.on('error', () => {
      /* 'close' follows */
    });
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
    if (deps.keepaliveMs > 0) {
      this.keepalive = setInterval(() => this.ping(), deps.keepaliveMs);
      this.keepalive.unref();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the socket with a terminal close code (before or after attach). */
  close(c: CloseCode): void {
    if (this.closed) return;
    this.closed = true;
    this.stopKeepalive();
    this.dropStream();
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(c.code, c.reason);
  }

  /** Opens the Attach stream for the resolved project folder. */
  attach(target: SessionTarget): void {
    if (this.closed) return;
    this.target = target;
    const stream = this.deps.openStream();
    this.stream = stream;
    stream.on('data', (ev: AttachEvent) => this.onEvent(ev));
    stream.on('error', (err: ServiceError) => this.onStreamError(err));
    stream.on('end', () => {
      // The service ended the stream without `exited`/`displaced`: it is going away.
      if (!this.closed) this.close(this.attached ? CLOSE.ptyServiceLost : CLOSE.attachFailed);
    });
    stream.write({ open: { projectId: target.projectId, tabId: target.tabId, cwd: target.cwd, cols: 80, rows: 24 } });
    this.attachTimer = setTimeout(() => {
      this.deps.logger.warn({ projectId: target.projectId, tabId: target.tabId }, 'pty service did not answer the attach in time');
      if (this.closed) this.dropStream();
      else this.close(CLOSE.attachFailed);
    }, ATTACH_TIMEOUT_MS);
    this.attachTimer.unref();
  }

  private onEvent(ev: AttachEvent): void {
    switch (ev.event) {
      case 'attached':
        clearTimeout(this.attachTimer);
        this.attached = true;
        this.deps.logger.info(
          {
            projectId: this.target?.projectId,
            tabId: this.target?.tabId,
            pid: ev.attached.pid,
            reattached: ev.attached.reattached,
            replayBytes: ev.attached.replayBytes,
          },
          'terminal attached',
        );
        for (const msg of this.early) this.forward(msg);
        this.early = [];
        this.earlyBytes = 0;
        return;
      case 'output':
        return this.sendOutput(ev.output);
      case 'exited':
        return this.close(CLOSE.ptyExited);
      case 'displaced':
        return this.close(CLOSE.replaced);
    }
  }

  private sendOutput(data: Buffer): void {
    const ws = this.ws;
    if (this.closed || ws.readyState !== ws.OPEN) return;
    ws.send(data, { binary: true }, () => this.maybeResume());
    if (!this.outputPaused && ws.bufferedAmount > HIGH_WATER) {
      this.outputPaused = true;
      this.stream?.pause();
    }
  }

  private maybeResume(): void {
    if (this.outputPaused && (this.closed || this.ws.bufferedAmount < LOW_WATER)) {
      this.outputPaused = false;
      this.stream?.resume();
    }
  }

  private onStreamError(err: ServiceError): void {
    if (this.closed) return;
    const forge = parseForgeError(err.details);
    if (forge?.error === 'spawn_failed' || forge?.error === 'cwd_not_allowed') {
      this.deps.logger.warn({ error: forge.error, projectId: this.target?.projectId }, 'terminal spawn failed');
      return this.close(CLOSE.spawnFailed);
    }
    if (err.code === GrpcStatus.UNAVAILABLE || err.code === GrpcStatus.CANCELLED || err.code === GrpcStatus.INTERNAL) {
      this.deps.logger.warn({ code: err.code, attached: this.attached }, 'pty service stream failed');
      return this.close(this.attached ? CLOSE.ptyServiceLost : CLOSE.ptyUnavailable);
    }
    this.deps.logger.warn({ code: err.code, details: err.details }, 'terminal attach failed');
    this.close(CLOSE.attachFailed);
  }

  private onClientFrame(data: Buffer | ArrayBuffer | Buffer[]): void {
    if (this.closed) return;
    const msg = parseClientMessage(data);
    if (!msg) return;
    if (this.attached) return this.forward(msg);
    const size = msg.type === 'input' ? msg.data.length : 16;
    if (this.earlyBytes + size > MAX_EARLY_INPUT) return;
    this.early.push(msg);
    this.earlyBytes += size;
  }

  private forward(msg: ClientMessage): void {
    const stream = this.stream;
    if (!stream || this.closed) return;
    const ok =
      msg.type === 'input'
        ? stream.write({ input: Buffer.from(msg.data, 'utf8') })
        : stream.write({ resize: { cols: msg.cols, rows: msg.rows } });
    if (!ok && !this.ws.isPaused) {
      // The pty service is not taking input as fast as the browser sends it (a huge paste).
      this.ws.pause();
      stream.once('drain', () => this.ws.resume());
    }
  }

  private onSocketClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.stopKeepalive();
    const target = this.target;
    if (reason === TAB_CLOSED && target) {
      if (this.attached || !this.stream) {
        this.killShell(target);
      } else {
        // The open is still in flight: a CloseTerminal now could arrive before the spawn and miss it,
        // leaving a shell for the idle reaper. Wait for `attached`, then kill.
        const stream = this.stream;
        stream.removeAllListeners('data');
        stream.on('data', (ev: AttachEvent) => {
          if (ev.event === 'attached') {
            this.killShell(target);
            this.dropStream();
          }
        });
        return;
      }
    }
    // Dropping the stream detaches: the shell keeps running for PTY_IDLE_REAP_MS.
    this.dropStream();
  }

  private killShell(target: SessionTarget): void {
    this.deps
      .closeTerminal(target.projectId, target.tabId)
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'closing the terminal failed'));
  }

  /** Cancels the Attach stream (even a paused one with unread output); the service detaches. */
  private dropStream(): void {
    clearTimeout(this.attachTimer);
    const stream = this.stream;
    if (!stream) return;
    stream.removeAllListeners('data');
    stream.removeAllListeners('end');
    stream.cancel();
  }

  private ping(): void {
    if (this.awaitingPong) {
      // No pong for a whole interval: the peer is gone (network drop). Detach now.
      this.ws.terminate();
      return;
    }
    this.awaitingPong = true;
    try {
      this.ws.ping();
    } catch {
      /* closing */
    }
  }

  private stopKeepalive(): void {
    clearInterval(this.keepalive);
    this.keepalive = undefined;
  }
}
