// What a session being built may use (V5): the effective skill, prompt-template and tool states of
// its project, read from the files at build time. Live sessions are never changed; a session
// created, resumed or forked after a toggle gets the new state.
import { Injectable } from '@nestjs/common';
import { ConfigFiles } from '../provider-config/config-files.js';
import { isBuiltinTool } from './builtin-tools.js';
import { disabledNames } from './name-patterns.js';
import { OverridesStore } from './overrides-store.js';
import { effective, overrideOf, type ToolFamilyName, type ToolOverridesFile } from './overrides.js';

export interface SessionToggles {
  skillEnabled(name: string): boolean;
  promptEnabled(name: string): boolean;
  toolEnabled(family: ToolFamilyName, name: string): boolean;
}

/** Everything enabled: a session built without a project's toggles (unit specs, fakes). */
export const ALL_ENABLED: SessionToggles = { skillEnabled: () => true, promptEnabled: () => true, toolEnabled: () => true };

export function toolEnabledIn(doc: ToolOverridesFile, projectId: string | undefined, family: ToolFamilyName, name: string): boolean {
  const globalEnabled = !doc[family].includes(name);
  return effective(globalEnabled, projectId ? overrideOf(doc.projects[projectId]?.[family], name) : undefined);
}

/**
 * The `tools` allowlist for the SDK: the built-ins, the forge tools and the extension tools, less
 * the disabled ones. A forge tool is `builtin` when it has a built-in name (ask_user_question, todo,
 * process), `mcp` when it is a bridged `<server>__<tool>`, and otherwise (orchestration…) not
 * toggleable here.
 */
export function toolAllowlist(toggles: SessionToggles, tools: { builtin: string[]; forge: string[]; extension: string[] }): string[] {
  const extension = new Set(tools.extension);
  const allowed = (name: string): boolean => {
    if (isBuiltinTool(name)) return toggles.toolEnabled('builtin', name);
    if (extension.has(name)) return toggles.toolEnabled('extension', name);
    if (name.includes('__')) return toggles.toolEnabled('mcp', name);
    return true;
  };
  return [...new Set([...tools.builtin, ...tools.forge, ...tools.extension])].filter(allowed);
}

@Injectable()
export class SessionToggleSource {
  constructor(
    private readonly files: ConfigFiles,
    private readonly store: OverridesStore,
  ) {}

  async forProject(projectId: string): Promise<SessionToggles> {
    const [settings, skills, prompts, tools] = await Promise.all([
      this.files.readObject(this.files.settingsPath),
      this.store.readNames('skills'),
      this.store.readNames('prompts'),
      this.store.readTools(),
    ]);
    const skillsOff = disabledNames(settings.skills);
    const promptsOff = disabledNames(settings.prompts);
    return {
      skillEnabled: (name) => effective(!skillsOff.has(name), overrideOf(skills.projects[projectId], name)),
      promptEnabled: (name) => effective(!promptsOff.has(name), overrideOf(prompts.projects[projectId], name)),
      toolEnabled: (family, name) => toolEnabledIn(tools, projectId, family, name),
    };
  }
}
