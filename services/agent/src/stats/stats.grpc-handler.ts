import { Controller } from '@nestjs/common';
import { AgentRpc, type Handles } from '@pi-forge/proto';
import { type AgentServiceController, type GetStatsResponse } from '@pi-forge/proto/agent';
import { SessionRegistry } from '../sessions/session-registry.js';

@Controller()
export class StatsGrpcHandler implements Handles<AgentServiceController, StatsGrpcHandler> {
  constructor(private readonly sessions: SessionRegistry) {}

  @AgentRpc.method
  getStats(): GetStatsResponse {
    return { activeSessions: this.sessions.size };
  }
}
