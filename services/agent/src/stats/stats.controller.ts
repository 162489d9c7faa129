import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { type AgentServiceController, type GetStatsResponse } from '@pi-forge/proto/agent';
import { SessionRegistry } from '../sessions/session-registry.js';

@Controller()
export class StatsController implements Pick<AgentServiceController, 'getStats'> {
  constructor(private readonly sessions: SessionRegistry) {}

  @GrpcMethod('AgentService', 'GetStats')
  getStats(): GetStatsResponse {
    return { activeSessions: this.sessions.size };
  }
}
