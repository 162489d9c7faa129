// The gateway's way to the agent service.
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { AGENT_CONTRACT } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { QUICK_CALL_MS, ServiceClient } from './service-client.js';

@Injectable()
export class AgentClient extends ServiceClient {
  constructor(@Inject(CONFIG) config: ForgeConfig) {
    super(AGENT_CONTRACT, config.AGENT_GRPC_URL);
  }

  getStats(timeoutMs = QUICK_CALL_MS): Promise<agent.GetStatsResponse> {
    return this.channel.unary('GetStats', {}, timeoutMs);
  }
}
