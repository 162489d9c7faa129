import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import type * as ws from '@pi-forge/proto/workspace';
import { ProjectRegistry, projectNotFound } from './project-registry.js';
import { FolderBrowser } from './folder-browser.js';
import { ProjectClone } from './project-clone.js';
import { ADDENDUM_MAX_BYTES, SystemPromptStore } from './system-prompt-store.js';

@Controller()
export class ProjectsController {
  constructor(private readonly projects: ProjectRegistry, private readonly folders: FolderBrowser, private readonly cloner: ProjectClone, private readonly prompts: SystemPromptStore) {}

  @GrpcMethod('WorkspaceService', 'ListProjects')
  async listProjects(): Promise<ws.ListProjectsResponse> {
    return { projects: await this.projects.list() };
  }

  @GrpcMethod('WorkspaceService', 'GetProject')
  async getProject(req: ws.GetProjectRequest): Promise<ws.GetProjectResponse> {
    const project = await this.projects.get(req.id);
    if (!project) throw projectNotFound();
    return { project };
  }

  @GrpcMethod('WorkspaceService', 'CreateProject')
  async createProject(req: ws.CreateProjectRequest): Promise<ws.CreateProjectResponse> {
    return { project: await this.projects.create(req.name, req.path) };
  }

  @GrpcMethod('WorkspaceService', 'RenameProject')
  async renameProject(req: ws.RenameProjectRequest): Promise<ws.RenameProjectResponse> {
    return { project: await this.projects.rename(req.id, req.name) };
  }

  @GrpcMethod('WorkspaceService', 'ReorderProjects')
  async reorderProjects(req: ws.ReorderProjectsRequest): Promise<ws.ReorderProjectsResponse> {
    return { projects: await this.projects.reorder(req.ids ?? []) };
  }

  @GrpcMethod('WorkspaceService', 'DeleteProject')
  deleteProject(req: ws.DeleteProjectRequest): Promise<ws.DeleteProjectResponse> {
    return this.projects.delete(req.id);
  }

  @GrpcMethod('WorkspaceService', 'BrowseFolders')
  browseFolders(req: ws.BrowseFoldersRequest): Promise<ws.BrowseFoldersResponse> {
    return this.folders.browse(req.path);
  }

  @GrpcMethod('WorkspaceService', 'CreateFolder')
  createFolder(req: ws.CreateFolderRequest): Promise<ws.CreateFolderResponse> {
    return this.folders.mkdir(req.parentPath, req.name);
  }

  @GrpcMethod('WorkspaceService', 'GetSystemPromptAddendum')
  async getSystemPromptAddendum(req: ws.GetSystemPromptAddendumRequest): Promise<ws.GetSystemPromptAddendumResponse> {
    await this.projects.require(req.projectId);
    return { addendum: await this.prompts.get(req.projectId), maxBytes: ADDENDUM_MAX_BYTES };
  }

  @GrpcMethod('WorkspaceService', 'SetSystemPromptAddendum')
  async setSystemPromptAddendum(req: ws.SetSystemPromptAddendumRequest): Promise<ws.SetSystemPromptAddendumResponse> {
    await this.projects.require(req.projectId);
    return { addendum: await this.prompts.set(req.projectId, req.addendum), maxBytes: ADDENDUM_MAX_BYTES };
  }

  @GrpcMethod('WorkspaceService', 'CloneProject')
  async cloneProject(req: ws.CloneProjectRequest): Promise<Observable<Partial<ws.CloneProjectResponse>>> {
    return this.cloner.run(await this.cloner.plan(req));
  }
}
