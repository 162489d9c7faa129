import { Controller } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { WorkspaceRpc, type Handles } from '@pi-forge/proto';
import type * as ws from '@pi-forge/proto/workspace';
import { ProjectRegistry, projectNotFound } from './project-registry.js';
import { FolderBrowser } from './folder-browser.js';
import { ProjectClone } from './project-clone.js';
import { ADDENDUM_MAX_BYTES, SystemPromptStore } from './system-prompt-store.js';

@Controller()
export class ProjectsGrpcHandler implements Handles<ws.WorkspaceServiceController, ProjectsGrpcHandler, 'cloneProject'> {
  constructor(
    private readonly projects: ProjectRegistry,
    private readonly folders: FolderBrowser,
    private readonly cloner: ProjectClone,
    private readonly prompts: SystemPromptStore,
  ) {}

  @WorkspaceRpc.method
  async listProjects(): Promise<ws.ListProjectsResponse> {
    return { projects: await this.projects.list() };
  }

  @WorkspaceRpc.method
  async getProject(req: ws.GetProjectRequest): Promise<ws.GetProjectResponse> {
    const project = await this.projects.get(req.id);
    if (!project) throw projectNotFound();
    return { project };
  }

  @WorkspaceRpc.method
  async createProject(req: ws.CreateProjectRequest): Promise<ws.CreateProjectResponse> {
    return { project: await this.projects.create(req.name, req.path) };
  }

  @WorkspaceRpc.method
  async renameProject(req: ws.RenameProjectRequest): Promise<ws.RenameProjectResponse> {
    return { project: await this.projects.rename(req.id, req.name) };
  }

  @WorkspaceRpc.method
  async reorderProjects(req: ws.ReorderProjectsRequest): Promise<ws.ReorderProjectsResponse> {
    return { projects: await this.projects.reorder(req.ids ?? []) };
  }

  @WorkspaceRpc.method
  deleteProject(req: ws.DeleteProjectRequest): Promise<ws.DeleteProjectResponse> {
    return this.projects.delete(req.id);
  }

  @WorkspaceRpc.method
  browseFolders(req: ws.BrowseFoldersRequest): Promise<ws.BrowseFoldersResponse> {
    return this.folders.browse(req.path);
  }

  @WorkspaceRpc.method
  createFolder(req: ws.CreateFolderRequest): Promise<ws.CreateFolderResponse> {
    return this.folders.mkdir(req.parentPath, req.name);
  }

  @WorkspaceRpc.method
  async getSystemPromptAddendum(req: ws.GetSystemPromptAddendumRequest): Promise<ws.GetSystemPromptAddendumResponse> {
    await this.projects.require(req.projectId);
    return { addendum: await this.prompts.get(req.projectId), maxBytes: ADDENDUM_MAX_BYTES };
  }

  @WorkspaceRpc.method
  async setSystemPromptAddendum(req: ws.SetSystemPromptAddendumRequest): Promise<ws.SetSystemPromptAddendumResponse> {
    await this.projects.require(req.projectId);
    return { addendum: await this.prompts.set(req.projectId, req.addendum), maxBytes: ADDENDUM_MAX_BYTES };
  }

  @WorkspaceRpc.method
  async cloneProject(req: ws.CloneProjectRequest): Promise<Observable<ws.CloneProjectResponse>> {
    return this.cloner.run(await this.cloner.plan(req));
  }
}
