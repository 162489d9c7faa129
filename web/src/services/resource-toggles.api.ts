// /config/skills, /config/prompts, /config/tools (docs/api.md#skills-prompt-templates-and-tools).
import { http } from './http';

export type Scope = 'global' | 'project';
export type Override = 'enabled' | 'disabled';
export type ToolFamily = 'builtin' | 'mcp' | 'extension';

export interface ToggleItem {
  name: string;
  description: string;
  /** The global state. */
  enabled: boolean;
  projectOverride?: Override;
  effective: boolean;
}

export interface SkillItem extends ToggleItem {
  source: 'global' | 'project' | 'extension';
  filePath: string;
  extensionPath?: string;
  disableModelInvocation: boolean;
}

export interface PromptItem extends ToggleItem {
  argumentHint?: string;
  source: 'global' | 'project';
  filePath: string;
}

export interface Diagnostic {
  type: 'warning' | 'error' | 'collision';
  message: string;
  path?: string;
  collision?: { resourceType: string; name: string; winnerPath: string; loserPath: string };
}

export interface ToolItem {
  name: string;
  shortName?: string;
  description: string;
  /** Effective for the project asked about. */
  enabled: boolean;
  globalEnabled: boolean;
  projectOverride?: Override;
}

export interface ToolList {
  builtin: ToolItem[];
  mcp: { server: string; scope: Scope; projectId?: string; enabled: boolean; state: string; lastError?: string; tools: ToolItem[] }[];
  extension: { packageSource: string; tools: ToolItem[] }[];
}

const enabledPath = (kind: 'skills' | 'prompts', name: string) => `/config/${kind}/${encodeURIComponent(name)}/enabled`;
const toolPath = (family: ToolFamily, name: string) => `/config/tools/${family}/${encodeURIComponent(name)}/enabled`;

export const resourceTogglesApi = {
  skills: (projectId: string) => http.get<{ skills: SkillItem[]; diagnostics: Diagnostic[] }>('/config/skills', { projectId }),
  setSkill: (projectId: string, name: string, enabled: boolean, scope: Scope) =>
    http.put<{ skills: SkillItem[] }>(enabledPath('skills', name), { enabled, scope }, { projectId }),
  clearSkill: (projectId: string, name: string) => http.del<{ skills: SkillItem[] }>(enabledPath('skills', name), { projectId }),
  prompts: (projectId: string) => http.get<{ prompts: PromptItem[]; diagnostics: Diagnostic[] }>('/config/prompts', { projectId }),
  setPrompt: (projectId: string, name: string, enabled: boolean, scope: Scope) =>
    http.put<{ prompts: PromptItem[] }>(enabledPath('prompts', name), { enabled, scope }, { projectId }),
  clearPrompt: (projectId: string, name: string) => http.del<{ prompts: PromptItem[] }>(enabledPath('prompts', name), { projectId }),
  tools: (projectId?: string) => http.get<ToolList>('/config/tools', { projectId }),
  setTool: (family: ToolFamily, name: string, enabled: boolean, scope: Scope, projectId?: string) =>
    http.put<unknown>(toolPath(family, name), { enabled, scope }, { projectId }),
  clearTool: (family: ToolFamily, name: string, projectId: string) => http.del<unknown>(toolPath(family, name), { projectId }),
};
