// /projects (docs/compatibility.md#projects): thin mapping onto the workspace service's project RPCs.
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { LOGGER } from '@pi-forge/runtime';
import type { Logger } from 'pino';
import { AgentClient } from '../clients/agent.client.js';
import { WorkspaceClient } from '../clients/workspace.client.js';
import {
  BrowseFoldersQuery,
  CreateFolderDto,
  CreateProjectDto,
  RenameProjectDto,
  ReorderProjectsDto,
  SystemPromptDto,
} from './projects.dto.js';

@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly workspace: WorkspaceClient,
    private readonly agent: AgentClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  list() {
    return this.workspace.listProjects().then((r) => ({ projects: r.projects ?? [] }));
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: CreateProjectDto) {
    return (await this.workspace.createProject({ name: body.name, path: body.path })).project;
  }

  @Get('browse')
  async browse(@Query() query: BrowseFoldersQuery) {
    const r = await this.workspace.browseFolders({ path: query.path ?? '' });
    return { path: r.path, parentPath: r.parentPath || null, entries: r.entries ?? [] };
  }

  @Post('browse/mkdir')
  @HttpCode(201)
  mkdir(@Body() body: CreateFolderDto) {
    return this.workspace.createFolder({ parentPath: body.parentPath, name: body.name });
  }

  @Put('order')
  async reorder(@Body() body: ReorderProjectsDto) {
    return { projects: (await this.workspace.reorderProjects({ ids: body.ids })).projects ?? [] };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return (await this.workspace.getProject({ id })).project;
  }

  @Patch(':id')
  async rename(@Param('id') id: string, @Body() body: RenameProjectDto) {
    return (await this.workspace.renameProject({ id, name: body.name })).project;
  }

  @Get(':id/system-prompt')
  systemPrompt(@Param('id') id: string) {
    return this.workspace.getSystemPromptAddendum({ projectId: id });
  }

  @Put(':id/system-prompt')
  setSystemPrompt(@Param('id') id: string, @Body() body: SystemPromptDto) {
    return this.workspace.setSystemPromptAddendum({ projectId: id, addendum: body.addendum });
  }

  /**
   * The workspace service drops the record (404 when unknown); then the agent service, which owns
   * SESSION_DIR, removes the session folder. `cascaded` is that removal's outcome (docs/compatibility.md#projects).
   */
  @Delete(':id')
  async delete(@Param('id') id: string) {
    await this.workspace.deleteProject({ id });
    const cascaded = await this.agent.deleteProjectSessions({ projectId: id }).then(
      (r) => r.removed,
      (err: unknown) => {
        this.logger.warn({ err, projectId: id }, 'could not remove the project session folder');
        return false;
      },
    );
    return { cascaded };
  }
}
