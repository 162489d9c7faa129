import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { type GetStatsResponse } from '@pi-forge/proto/pty';
import { TerminalRegistry } from '../terminals/terminal-registry.js';

@Controller()
export class StatsController {
  constructor(private readonly terminals: TerminalRegistry) {}

  @GrpcMethod('PtyService', 'GetStats')
  getStats(): GetStatsResponse {
    return { activePtys: this.terminals.size, attachedPtys: this.terminals.attachedCount, pausedPtys: this.terminals.pausedCount };
  }
}
