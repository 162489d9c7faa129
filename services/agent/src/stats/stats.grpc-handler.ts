import { Controller } from '@nestjs/common';
import { AgentRpc, type Handles } from '@pi-forge/proto';
import { type AgentServiceController, type GetStatsResponse } from '@pi-forge/proto/agent';
import { SessionRegistry } from '../sessions/session-registry.js';

@Controller()
export class StatsGrpcHandler implements Handles<AgentServiceController, StatsGrpcHandler> {
  constructor(private readonly sessions: SessionRegistry) {}

  @AgentRpc.method
  getStats(): GetStatsResponse {
    const sessions = this.sessions.all().map((l) => {
      const replay = l.log.replaySize;
      return {
        sessionId: l.id,
        projectId: l.projectId,
        messages: l.session.messages.length,
        replayEvents: replay.events,
        replayBytes: replay.bytes,
        subscribers: l.log.subscriberCount,
        streaming: l.session.isStreaming,
      };
    });
    return { activeSessions: sessions.length, residentMemoryBytes: process.memoryUsage.rss(), sessions };
  }
}
