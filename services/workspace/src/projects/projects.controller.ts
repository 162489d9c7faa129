import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { forgeError, GrpcStatus } from '@pi-forge/runtime';
import type { GetProjectRequest, GetProjectResponse, ListProjectsResponse } from '@pi-forge/proto/workspace';
import { ProjectRegistry } from './project-registry.js';

@Controller()
export class ProjectsController {
  constructor(private readonly projects: ProjectRegistry) {}

  @GrpcMethod('WorkspaceService', 'ListProjects')
  async listProjects(): Promise<ListProjectsResponse> {
    return { projects: await this.projects.list() };
  }

  @GrpcMethod('WorkspaceService', 'GetProject')
  async getProject(req: GetProjectRequest): Promise<GetProjectResponse> {
    const project = await this.projects.get(req.id);
    if (!project) throw forgeError(GrpcStatus.NOT_FOUND, 'project_not_found', 'no project with that id');
    return { project };
  }
}
