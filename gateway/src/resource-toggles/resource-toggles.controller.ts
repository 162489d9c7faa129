// /config/skills, /config/prompts, /config/tools (contract §2.7, V1-V5): validate, resolve the
// project through the workspace service (project_not_found), ask the agent service, shape the
// answer. Toggles apply to sessions created or resumed afterwards; live sessions keep their set.
import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { RESOURCE_DIAGNOSTIC_TYPE, RESOURCE_SOURCE, TOGGLE_OVERRIDE, TOGGLE_SCOPE, TOOL_FAMILY } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { AgentClient } from '../clients/agent.client.js';
import { WorkspaceClient } from '../clients/workspace.client.js';
import { OptionalProjectQueryDto, ProjectQueryDto, ResourceNameParamDto, SetEnabledDto, ToolParamDto } from './resource-toggles.dto.js';

type Json = Record<string, unknown>;

/** Optional fields are left out rather than sent as null (docs/compatibility.md#http-conventions). */
function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

const override = (o: agent.ToggleOverride) => TOGGLE_OVERRIDE.toWord(o);

function skill(s: agent.SkillItem): Json {
  return compact({
    name: s.name,
    description: s.description,
    source: RESOURCE_SOURCE.toWord(s.source),
    filePath: s.filePath,
    extensionPath: s.extensionPath,
    enabled: s.enabled,
    projectOverride: override(s.projectOverride),
    effective: s.effective,
    disableModelInvocation: s.disableModelInvocation,
  });
}

function prompt(p: agent.PromptItem): Json {
  return compact({
    name: p.name,
    description: p.description,
    argumentHint: p.argumentHint,
    source: RESOURCE_SOURCE.toWord(p.source),
    filePath: p.filePath,
    enabled: p.enabled,
    projectOverride: override(p.projectOverride),
    effective: p.effective,
  });
}

function diagnostic(d: agent.ResourceDiagnostic): Json {
  return compact({ type: RESOURCE_DIAGNOSTIC_TYPE.toWord(d.type), message: d.message, path: d.path, collision: d.collision });
}

function tool(t: agent.ToolToggle): Json {
  return compact({
    name: t.name,
    shortName: t.shortName,
    description: t.description,
    enabled: t.enabled,
    globalEnabled: t.globalEnabled,
    projectOverride: override(t.projectOverride),
  });
}

const lists = (o: agent.NameOverrides | undefined) => ({ enable: o?.enable ?? [], disable: o?.disable ?? [] });

function nameOverrides(projects: agent.ProjectNameOverrides[] | undefined): { projects: Json } {
  return { projects: Object.fromEntries((projects ?? []).map((p) => [p.projectId, lists(p.overrides)])) };
}

@Controller('config')
export class ResourceTogglesController {
  constructor(
    private readonly agent: AgentClient,
    private readonly workspace: WorkspaceClient,
  ) {}

  private async project(id: string): Promise<agent.ProjectRef> {
    const { project } = await this.workspace.getProject({ id });
    return { id: project!.id, path: project!.path };
  }

  @Get('skills')
  async skills(@Query() q: ProjectQueryDto): Promise<{ skills: Json[]; diagnostics: Json[] }> {
    const res = await this.agent.listSkills({ project: await this.project(q.projectId) });
    return { skills: (res.skills ?? []).map(skill), diagnostics: (res.diagnostics ?? []).map(diagnostic) };
  }

  @Get('skills/overrides')
  async skillOverrides(): Promise<{ projects: Json }> {
    return nameOverrides((await this.agent.getSkillOverrides()).projects);
  }

  @Put('skills/:name/enabled')
  async setSkill(@Param() p: ResourceNameParamDto, @Query() q: ProjectQueryDto, @Body() body: SetEnabledDto): Promise<{ skills: Json[] }> {
    const res = await this.agent.setSkillEnabled({
      project: await this.project(q.projectId),
      name: p.name,
      enabled: body.enabled,
      scope: TOGGLE_SCOPE.toProto(body.scope ?? 'global'),
    });
    return { skills: (res.skills ?? []).map(skill) };
  }

  @Delete('skills/:name/enabled')
  async clearSkill(@Param() p: ResourceNameParamDto, @Query() q: ProjectQueryDto): Promise<{ skills: Json[] }> {
    const res = await this.agent.clearSkillOverride({ project: await this.project(q.projectId), name: p.name });
    return { skills: (res.skills ?? []).map(skill) };
  }

  @Get('prompts')
  async prompts(@Query() q: ProjectQueryDto): Promise<{ prompts: Json[]; diagnostics: Json[] }> {
    const res = await this.agent.listPrompts({ project: await this.project(q.projectId) });
    return { prompts: (res.prompts ?? []).map(prompt), diagnostics: (res.diagnostics ?? []).map(diagnostic) };
  }

  @Get('prompts/overrides')
  async promptOverrides(): Promise<{ projects: Json }> {
    return nameOverrides((await this.agent.getPromptOverrides()).projects);
  }

  @Put('prompts/:name/enabled')
  async setPrompt(
    @Param() p: ResourceNameParamDto,
    @Query() q: ProjectQueryDto,
    @Body() body: SetEnabledDto,
  ): Promise<{ prompts: Json[] }> {
    const res = await this.agent.setPromptEnabled({
      project: await this.project(q.projectId),
      name: p.name,
      enabled: body.enabled,
      scope: TOGGLE_SCOPE.toProto(body.scope ?? 'global'),
    });
    return { prompts: (res.prompts ?? []).map(prompt) };
  }

  @Delete('prompts/:name/enabled')
  async clearPrompt(@Param() p: ResourceNameParamDto, @Query() q: ProjectQueryDto): Promise<{ prompts: Json[] }> {
    const res = await this.agent.clearPromptOverride({ project: await this.project(q.projectId), name: p.name });
    return { prompts: (res.prompts ?? []).map(prompt) };
  }

  @Get('tools')
  async tools(@Query() q: OptionalProjectQueryDto): Promise<{ builtin: Json[]; mcp: Json[]; extension: Json[] }> {
    const res = await this.agent.listTools(q.projectId ? { project: await this.project(q.projectId) } : {});
    return {
      builtin: (res.builtin ?? []).map(tool),
      mcp: (res.mcp ?? []).map((s) =>
        compact({
          server: s.server,
          scope: TOGGLE_SCOPE.toWord(s.scope) ?? 'global',
          projectId: s.projectId,
          enabled: s.enabled,
          state: s.state,
          lastError: s.lastError,
          tools: (s.tools ?? []).map(tool),
        }),
      ),
      extension: (res.extension ?? []).map((e) => ({ packageSource: e.packageSource, tools: (e.tools ?? []).map(tool) })),
    };
  }

  @Get('tools/overrides')
  async toolOverrides(): Promise<{ projects: Json }> {
    const { projects } = await this.agent.getToolOverrides();
    return {
      projects: Object.fromEntries(
        (projects ?? []).map((p) => [p.projectId, { builtin: lists(p.builtin), mcp: lists(p.mcp), extension: lists(p.extension) }]),
      ),
    };
  }

  @Put('tools/:family/:name/enabled')
  async setTool(@Param() p: ToolParamDto, @Query() q: OptionalProjectQueryDto, @Body() body: SetEnabledDto): Promise<Json> {
    const scope = body.scope ?? 'global';
    // A named project must exist whatever the scope (404 before anything is written).
    if (q.projectId) await this.project(q.projectId);
    await this.agent.setToolEnabled({
      family: TOOL_FAMILY.toProto(p.family),
      name: p.name,
      enabled: body.enabled,
      scope: TOGGLE_SCOPE.toProto(scope),
      projectId: scope === 'project' ? q.projectId : undefined,
    });
    return compact({
      family: p.family,
      name: p.name,
      enabled: body.enabled,
      scope,
      projectId: scope === 'project' ? q.projectId : undefined,
    });
  }

  @Delete('tools/:family/:name/enabled')
  async clearTool(@Param() p: ToolParamDto, @Query() q: ProjectQueryDto): Promise<Json> {
    await this.project(q.projectId);
    await this.agent.clearToolOverride({ family: TOOL_FAMILY.toProto(p.family), name: p.name, projectId: q.projectId });
    return { family: p.family, name: p.name, projectId: q.projectId };
  }
}
