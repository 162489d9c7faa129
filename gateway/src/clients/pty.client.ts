// The gateway's way to the pty service. Attach is a raw grpc-js duplex stream (not Observables)
// so the terminal route gets Node-stream backpressure: pause() it and the pty service pauses the pty.
import { Inject, Injectable } from '@nestjs/common';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { PTY_CONTRACT, type PromiseClient } from '@pi-forge/proto';
import type * as pty from '@pi-forge/proto/pty';
import { QUICK_CALL_MS, ServiceClient } from './service-client.js';

/** Responses as proto-loader delivers them: the oneof's name in `event`, bytes as Buffers. */
export type AttachEvent =
  | { event: 'attached'; attached: pty.TerminalAttached }
  | { event: 'output'; output: Buffer }
  | { event: 'exited'; exited: pty.TerminalExited }
  | { event: 'displaced'; displaced: pty.TerminalDisplaced };

export type AttachWrite = { open: pty.TerminalOpen } | { input: Buffer } | { resize: pty.TerminalResize };

export type AttachStream = ClientDuplexStream<AttachWrite, AttachEvent>;

/** Every PtyService RPC as a promise, except Attach (a raw duplex stream). */
@Injectable()
export class PtyClient extends ServiceClient<pty.PtyServiceClient> implements PromiseClient<pty.PtyServiceClient, 'attach'> {
  constructor(@Inject(CONFIG) config: ForgeConfig) {
    super(PTY_CONTRACT, config.PTY_GRPC_URL, config);
  }

  getStats(req: pty.GetStatsRequest = {}, timeoutMs = QUICK_CALL_MS): Promise<pty.GetStatsResponse> {
    return this.channel.unary('getStats', req, timeoutMs);
  }

  /** Opens an Attach stream; the caller writes `{open}` first. No deadline: it lives as long as the socket. */
  attach(): AttachStream {
    return this.channel.duplex<'attach', AttachWrite, AttachEvent>('attach');
  }

  closeTerminal(req: pty.CloseTerminalRequest, timeoutMs = QUICK_CALL_MS): Promise<pty.CloseTerminalResponse> {
    return this.channel.unary('closeTerminal', req, timeoutMs);
  }
}
