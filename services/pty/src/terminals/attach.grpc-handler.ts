// The Attach bidi stream and CloseTerminal. The stream is handled raw (@GrpcStreamCall) rather
// than as Observables: grpc-js's write() return value and 'drain' event are the backpressure
// signal that pauses the pty, and Nest's Observable plumbing would buffer without bound instead.
import { Controller, Inject } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { CONFIG, GrpcStatus, LOGGER, type ForgeConfig, type ForgeErrorBody, type ServiceErrorCode } from '@pi-forge/runtime';
import { PtyRpc, type Handles } from '@pi-forge/proto';
import type {
  AttachRequest,
  AttachResponse,
  CloseTerminalRequest,
  CloseTerminalResponse,
  TerminalOpen,
  PtyServiceController,
} from '@pi-forge/proto/pty';
import { TerminalRegistry } from './terminal-registry.js';
import type { Attachment, Terminal } from './terminal.js';

type AttachCall = ServerDuplexStream<AttachRequest & { event?: string }, AttachResponse>;

const MAX_DIM = 1000;
const MAX_TAB_ID = 128;

@Controller()
export class AttachGrpcHandler implements Handles<PtyServiceController, AttachGrpcHandler, 'attach'> {
  constructor(
    private readonly terminals: TerminalRegistry,
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @PtyRpc.streamCall
  attach(call: AttachCall): Promise<void> {
    return new Promise<void>((resolve) => {
      let terminal: Terminal | undefined;
      let attachment: StreamAttachment | undefined;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        if (terminal && attachment) terminal.detach(attachment, this.config.PTY_IDLE_REAP_MS);
        resolve();
      };
      call.on('data', (req: AttachRequest & { event?: string }) => {
        if (finished) return;
        if (!terminal) {
          const open = req.event === 'open' ? checkOpen(req.open) : undefined;
          if (!open) return fail(call, GrpcStatus.INVALID_ARGUMENT, 'invalid_open', 'the first message must be a valid open');
          try {
            const opened = this.terminals.open(open);
            terminal = opened.terminal;
            attachment = new StreamAttachment(call);
            call.write({ attached: { pid: terminal.pid, reattached: opened.reattached, replayBytes: terminal.replay.size } });
            // A reattached shell keeps its size until the browser sends its own resize.
            terminal.attach(attachment);
          } catch (err) {
            const { code, details } = statusOf(err);
            this.logger.warn({ code, details, projectId: open.projectId }, 'attach refused');
            call.emit('error', { code, details });
          }
          return;
        }
        if (req.event === 'input' && req.input) terminal.write(Buffer.from(req.input));
        else if (req.event === 'resize' && req.resize && validDim(req.resize.cols) && validDim(req.resize.rows))
          terminal.resize(req.resize.cols, req.resize.rows);
      });
      call.on('end', () => {
        finish();
        call.end();
      });
      call.on('cancelled', finish);
      call.on('error', finish);
      call.on('close', finish);
    });
  }

  @PtyRpc.method
  closeTerminal(req: CloseTerminalRequest): CloseTerminalResponse {
    return { closed: this.terminals.close(req.projectId, req.tabId) };
  }
}

/** One Attach stream as the terminal's output sink. */
class StreamAttachment implements Attachment {
  constructor(private readonly call: AttachCall) {}

  sendOutput(data: Buffer): boolean {
    if (this.call.destroyed || this.call.writableEnded) return true;
    return this.call.write({ output: data });
  }

  onDrain(listener: () => void): void {
    this.call.once('drain', listener);
  }

  exited(exitCode: number, signal: number): void {
    this.endWith({ exited: { exitCode, signal } });
  }

  displaced(): void {
    this.endWith({ displaced: {} });
  }

  private endWith(last: AttachResponse): void {
    if (this.call.destroyed || this.call.writableEnded) return;
    this.call.write(last);
    this.call.end();
  }
}

function validDim(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_DIM;
}

function checkOpen(open: TerminalOpen | undefined): TerminalOpen | undefined {
  if (!open || !open.projectId || !open.tabId || open.tabId.length > MAX_TAB_ID || !open.cwd.startsWith('/')) return undefined;
  return { ...open, cols: validDim(open.cols) ? open.cols : 80, rows: validDim(open.rows) ? open.rows : 24 };
}

function fail(call: AttachCall, code: GrpcStatus, error: ServiceErrorCode, message: string): void {
  call.emit('error', { code, details: JSON.stringify({ error, message }) });
}

function statusOf(err: unknown): { code: number; details: string } {
  if (err instanceof RpcException) {
    const e = err.getError() as { code?: number; message?: string };
    return { code: e.code ?? GrpcStatus.INTERNAL, details: e.message ?? '' };
  }
  return {
    code: GrpcStatus.INTERNAL,
    details: JSON.stringify({ error: 'internal_error', message: 'attach failed' } satisfies ForgeErrorBody),
  };
}
