import { Controller } from '@nestjs/common';
import { PtyRpc, type Handles } from '@pi-forge/proto';
import { type GetStatsResponse, type PtyServiceController } from '@pi-forge/proto/pty';
import { TerminalRegistry } from '../terminals/terminal-registry.js';

@Controller()
export class StatsGrpcHandler implements Handles<PtyServiceController, StatsGrpcHandler> {
  constructor(private readonly terminals: TerminalRegistry) {}

  @PtyRpc.method
  getStats(): GetStatsResponse {
    return {
      activePtys: this.terminals.size,
      attachedPtys: this.terminals.attachedCount,
      pausedPtys: this.terminals.pausedCount,
      residentMemoryBytes: process.memoryUsage.rss(),
    };
  }
}
