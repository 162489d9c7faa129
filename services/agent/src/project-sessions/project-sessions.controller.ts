import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { AgentServiceController, DeleteProjectSessionsRequest, DeleteProjectSessionsResponse } from '@pi-forge/proto/agent';
import { ProjectSessionFolders } from './project-session-folders.js';

@Controller()
export class ProjectSessionsGrpcController implements Pick<AgentServiceController, 'deleteProjectSessions'> {
  constructor(private readonly folders: ProjectSessionFolders) {}

  @GrpcMethod('AgentService', 'DeleteProjectSessions')
  async deleteProjectSessions(req: DeleteProjectSessionsRequest): Promise<DeleteProjectSessionsResponse> {
    return { removed: await this.folders.removeFor(req.projectId) };
  }
}
