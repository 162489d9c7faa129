import { Controller } from '@nestjs/common';
import { WorkspaceRpc, type Handles } from '@pi-forge/proto';
import type { GetStatsResponse, WorkspaceServiceController } from '@pi-forge/proto/workspace';

@Controller()
export class StatsGrpcHandler implements Handles<WorkspaceServiceController, StatsGrpcHandler> {
  @WorkspaceRpc.method
  getStats(): GetStatsResponse {
    return { residentMemoryBytes: process.memoryUsage.rss() };
  }
}
