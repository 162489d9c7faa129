// The gateway's way to the pty service.
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { PTY_CONTRACT } from '@pi-forge/proto';
import type * as pty from '@pi-forge/proto/pty';
import { QUICK_CALL_MS, ServiceClient } from './service-client.js';

@Injectable()
export class PtyClient extends ServiceClient {
  constructor(@Inject(CONFIG) config: ForgeConfig) {
    super(PTY_CONTRACT, config.PTY_GRPC_URL);
  }

  getStats(timeoutMs = QUICK_CALL_MS): Promise<pty.GetStatsResponse> {
    return this.channel.unary('GetStats', {}, timeoutMs);
  }
}
