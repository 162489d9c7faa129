import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { type GetStatsResponse, type PtyServiceController } from '@pi-forge/proto/pty';
import { TerminalRegistry } from '../terminals/terminal-registry.js';

@Controller()
export class StatsController implements Pick<PtyServiceController, 'getStats'> {
  constructor(private readonly terminals: TerminalRegistry) {}

  @GrpcMethod('PtyService', 'GetStats')
  getStats(): GetStatsResponse {
    return { activePtys: this.terminals.size };
  }
}
