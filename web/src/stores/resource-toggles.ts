// Skills, prompt templates and tools of the active project, with their global switch and the
// project's tri-state override (inherit / on / off). Changes apply to sessions started afterwards.
// The composer's `/` menu takes the project's effective prompt templates from here.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  resourceTogglesApi as api,
  type Diagnostic,
  type PromptItem,
  type SkillItem,
  type ToolFamily,
  type ToolList,
} from '../services/resource-toggles.api';

export type { Diagnostic, PromptItem, SkillItem, ToolFamily, ToolItem, ToolList } from '../services/resource-toggles.api';

/** A project's choice for one item: follow the global switch, or force it on or off. */
export type TriState = 'inherit' | 'on' | 'off';

export function triStateOf(item: { projectOverride?: 'enabled' | 'disabled' }): TriState {
  return item.projectOverride === 'enabled' ? 'on' : item.projectOverride === 'disabled' ? 'off' : 'inherit';
}

export interface TemplateCommand {
  name: string;
  help: string;
}

export const useResourceTogglesStore = defineStore('resource-toggles', () => {
  const projectId = ref<string | null>(null);
  const skills = ref<SkillItem[]>([]);
  const skillDiagnostics = ref<Diagnostic[]>([]);
  const prompts = ref<PromptItem[]>([]);
  const promptDiagnostics = ref<Diagnostic[]>([]);
  const tools = ref<ToolList>({ builtin: [], mcp: [], extension: [] });
  /** The project whose prompts were last loaded for the `/` menu. */
  let promptsFor: string | null = null;

  const templateCommands = computed<TemplateCommand[]>(() =>
    prompts.value
      .filter((p) => p.effective)
      .map((p) => ({ name: `/${p.name}`, help: [p.argumentHint, p.description].filter(Boolean).join(' · ') })),
  );

  function need(): string {
    if (!projectId.value) throw new Error('Open a project first.');
    return projectId.value;
  }

  async function loadSkills(id: string): Promise<void> {
    projectId.value = id;
    const res = await api.skills(id);
    skills.value = res.skills;
    skillDiagnostics.value = res.diagnostics;
  }

  async function loadPrompts(id: string): Promise<void> {
    projectId.value = id;
    promptsFor = id;
    const res = await api.prompts(id);
    prompts.value = res.prompts;
    promptDiagnostics.value = res.diagnostics;
  }

  /** For the `/` menu: loads once per project (the Settings tab reloads after each change). */
  async function ensurePrompts(id: string): Promise<void> {
    if (promptsFor !== id) await loadPrompts(id);
  }

  async function loadTools(id: string | null): Promise<void> {
    projectId.value = id;
    tools.value = await api.tools(id ?? undefined);
  }

  async function setSkillGlobal(name: string, enabled: boolean): Promise<void> {
    skills.value = (await api.setSkill(need(), name, enabled, 'global')).skills;
  }

  async function setSkillProject(name: string, state: TriState): Promise<void> {
    const id = need();
    skills.value = (state === 'inherit' ? await api.clearSkill(id, name) : await api.setSkill(id, name, state === 'on', 'project')).skills;
  }

  async function setPromptGlobal(name: string, enabled: boolean): Promise<void> {
    prompts.value = (await api.setPrompt(need(), name, enabled, 'global')).prompts;
  }

  async function setPromptProject(name: string, state: TriState): Promise<void> {
    const id = need();
    prompts.value = (
      state === 'inherit' ? await api.clearPrompt(id, name) : await api.setPrompt(id, name, state === 'on', 'project')
    ).prompts;
  }

  async function setToolGlobal(family: ToolFamily, name: string, enabled: boolean): Promise<void> {
    await api.setTool(family, name, enabled, 'global', projectId.value ?? undefined);
    await loadTools(projectId.value);
  }

  async function setToolProject(family: ToolFamily, name: string, state: TriState): Promise<void> {
    const id = need();
    if (state === 'inherit') await api.clearTool(family, name, id);
    else await api.setTool(family, name, state === 'on', 'project', id);
    await loadTools(id);
  }

  return {
    projectId,
    skills,
    skillDiagnostics,
    prompts,
    promptDiagnostics,
    tools,
    templateCommands,
    loadSkills,
    loadPrompts,
    ensurePrompts,
    loadTools,
    setSkillGlobal,
    setSkillProject,
    setPromptGlobal,
    setPromptProject,
    setToolGlobal,
    setToolProject,
  };
});
