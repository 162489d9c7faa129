import { Controller } from '@nestjs/common';
import { AgentRpc, type Handles } from '@pi-forge/proto';
import type { AgentServiceController, DeleteProjectSessionsRequest, DeleteProjectSessionsResponse } from '@pi-forge/proto/agent';
import { ProjectSessionFolders } from './project-session-folders.js';

@Controller()
export class ProjectSessionsGrpcHandler implements Handles<AgentServiceController, ProjectSessionsGrpcHandler> {
  constructor(private readonly folders: ProjectSessionFolders) {}

  @AgentRpc.method
  async deleteProjectSessions(req: DeleteProjectSessionsRequest): Promise<DeleteProjectSessionsResponse> {
    return { removed: await this.folders.removeFor(req.projectId) };
  }
}
