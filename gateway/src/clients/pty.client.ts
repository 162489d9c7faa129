// The gateway's way to the pty service. Attach is a raw grpc-js duplex stream (not Observables)
// so the terminal route gets Node-stream backpressure: pause() it and the pty service pauses the pty.
import { Inject, Injectable } from '@nestjs/common';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { PTY_CONTRACT } from '@pi-forge/proto';
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

@Injectable()
export class PtyClient extends ServiceClient {
  constructor(@Inject(CONFIG) config: ForgeConfig) {
    super(PTY_CONTRACT, config.PTY_GRPC_URL, config);
  }

  getStats(timeoutMs = QUICK_CALL_MS): Promise<pty.GetStatsResponse> {
    return this.channel.unary('GetStats', {}, timeoutMs);
  }

  /** Opens an Attach stream; the caller writes `{open}` first. No deadline: it lives as long as the socket. */
  attach(): AttachStream {
    return (this.channel.stub.Attach as (m: Metadata) => AttachStream).call(this.channel.stub, new Metadata());
  }

  closeTerminal(projectId: string, tabId: string, timeoutMs = QUICK_CALL_MS): Promise<pty.CloseTerminalResponse> {
    return this.channel.unary('CloseTerminal', { projectId, tabId }, timeoutMs);
  }
}
