// gRPC handlers of /config/skills, /config/prompts and /config/tools: words ↔ proto enums, the
// logic is in ResourceToggles and ToolToggles. The gateway has resolved the project (ProjectRef).
import { Controller } from '@nestjs/common';
import { GrpcStatus, forgeError } from '@pi-forge/runtime';
import {
  AgentRpc,
  RESOURCE_DIAGNOSTIC_TYPE,
  RESOURCE_SOURCE,
  TOGGLE_OVERRIDE,
  TOGGLE_SCOPE,
  TOOL_FAMILY,
  type Handles,
} from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { ToggleScope, type ProjectRef, type ToolFamily } from '@pi-forge/proto/agent';
import { TOOL_FAMILIES, type NameOverridesFile, type ToolFamilyName } from './overrides.js';
import type { ScannedDiagnostic } from './resource-scanner.port.js';
import { ResourceToggles, type ProjectFolder, type PromptView, type SkillView, type ToggleState } from './resource-toggles.service.js';
import { ToolToggles, type ToolView } from './tool-toggles.service.js';

function folder(ref: ProjectRef | undefined): ProjectFolder {
  if (!ref?.id || !ref.path) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'missing_project_id', 'a project is required');
  return { id: ref.id, path: ref.path };
}

function family(value: ToolFamily): ToolFamilyName {
  const word = TOOL_FAMILY.toWord(value);
  if (!word || !(TOOL_FAMILIES as readonly string[]).includes(word))
    throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'validation_failed', 'family must be builtin, mcp or extension');
  return word as ToolFamilyName;
}

const scopeOf = (s: ToggleScope): 'global' | 'project' => (s === ToggleScope.TOGGLE_SCOPE_PROJECT ? 'project' : 'global');

function state(s: ToggleState): Pick<agent.SkillItem, 'enabled' | 'projectOverride' | 'effective'> {
  return { enabled: s.enabled, projectOverride: TOGGLE_OVERRIDE.toProto(s.projectOverride), effective: s.effective };
}

function skill(s: SkillView): agent.SkillItem {
  return {
    name: s.name,
    description: s.description,
    source: RESOURCE_SOURCE.toProto(s.source),
    filePath: s.filePath,
    extensionPath: s.extensionPath,
    disableModelInvocation: s.disableModelInvocation,
    ...state(s),
  };
}

function prompt(p: PromptView): agent.PromptItem {
  return {
    name: p.name,
    description: p.description,
    argumentHint: p.argumentHint,
    source: RESOURCE_SOURCE.toProto(p.source),
    filePath: p.filePath,
    ...state(p),
  };
}

function diagnostic(d: ScannedDiagnostic): agent.ResourceDiagnostic {
  return { type: RESOURCE_DIAGNOSTIC_TYPE.toProto(d.type), message: d.message, path: d.path, collision: d.collision };
}

function tool(t: ToolView): agent.ToolToggle {
  return {
    name: t.name,
    shortName: t.shortName,
    description: t.description,
    enabled: t.enabled,
    globalEnabled: t.globalEnabled,
    projectOverride: TOGGLE_OVERRIDE.toProto(t.projectOverride),
  };
}

function nameOverrides(doc: NameOverridesFile): agent.ProjectNameOverrides[] {
  return Object.entries(doc.projects).map(([projectId, overrides]) => ({ projectId, overrides }));
}

@Controller()
export class ResourceTogglesGrpcHandler implements Handles<agent.AgentServiceController, ResourceTogglesGrpcHandler> {
  constructor(
    private readonly resources: ResourceToggles,
    private readonly tools: ToolToggles,
  ) {}

  @AgentRpc.method
  async listSkills(req: agent.ListSkillsRequest): Promise<agent.ListSkillsResponse> {
    const { items, diagnostics } = await this.resources.list('skills', folder(req.project));
    return { skills: items.map(skill), diagnostics: diagnostics.map(diagnostic) };
  }

  @AgentRpc.method
  async setSkillEnabled(req: agent.SetSkillEnabledRequest): Promise<agent.SetSkillEnabledResponse> {
    return { skills: (await this.resources.set('skills', folder(req.project), req.name, req.enabled, scopeOf(req.scope))).map(skill) };
  }

  @AgentRpc.method
  async clearSkillOverride(req: agent.ClearSkillOverrideRequest): Promise<agent.ClearSkillOverrideResponse> {
    return { skills: (await this.resources.clear('skills', folder(req.project), req.name)).map(skill) };
  }

  @AgentRpc.method
  async getSkillOverrides(): Promise<agent.GetSkillOverridesResponse> {
    return { projects: nameOverrides(await this.resources.overrides('skills')) };
  }

  @AgentRpc.method
  async listPrompts(req: agent.ListPromptsRequest): Promise<agent.ListPromptsResponse> {
    const { items, diagnostics } = await this.resources.list('prompts', folder(req.project));
    return { prompts: items.map(prompt), diagnostics: diagnostics.map(diagnostic) };
  }

  @AgentRpc.method
  async setPromptEnabled(req: agent.SetPromptEnabledRequest): Promise<agent.SetPromptEnabledResponse> {
    return { prompts: (await this.resources.set('prompts', folder(req.project), req.name, req.enabled, scopeOf(req.scope))).map(prompt) };
  }

  @AgentRpc.method
  async clearPromptOverride(req: agent.ClearPromptOverrideRequest): Promise<agent.ClearPromptOverrideResponse> {
    return { prompts: (await this.resources.clear('prompts', folder(req.project), req.name)).map(prompt) };
  }

  @AgentRpc.method
  async getPromptOverrides(): Promise<agent.GetPromptOverridesResponse> {
    return { projects: nameOverrides(await this.resources.overrides('prompts')) };
  }

  @AgentRpc.method
  async listTools(req: agent.ListToolsRequest): Promise<agent.ListToolsResponse> {
    const list = await this.tools.list(req.project?.id ? folder(req.project) : undefined);
    return {
      builtin: list.builtin.map(tool),
      mcp: list.mcp.map((s) => ({
        server: s.server,
        scope: TOGGLE_SCOPE.toProto(s.scope),
        projectId: s.projectId,
        enabled: s.enabled,
        state: s.state,
        lastError: s.lastError,
        tools: s.tools.map(tool),
      })),
      extension: list.extension.map((e) => ({ packageSource: e.packageSource, tools: e.tools.map(tool) })),
    };
  }

  @AgentRpc.method
  async setToolEnabled(req: agent.SetToolEnabledRequest): Promise<agent.SetToolEnabledResponse> {
    await this.tools.set(family(req.family), req.name, req.enabled, scopeOf(req.scope), req.projectId || undefined);
    return {};
  }

  @AgentRpc.method
  async clearToolOverride(req: agent.ClearToolOverrideRequest): Promise<agent.ClearToolOverrideResponse> {
    await this.tools.clear(family(req.family), req.name, req.projectId);
    return {};
  }

  @AgentRpc.method
  async getToolOverrides(): Promise<agent.GetToolOverridesResponse> {
    const doc = await this.tools.overrides();
    return { projects: Object.entries(doc.projects).map(([projectId, o]) => ({ projectId, ...o })) };
  }
}
