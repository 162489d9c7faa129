// Skills and prompt templates on and off (contract V1, V3): the list is what the SDK loads for the
// project (resource-scanner.port.ts), each item with its global state (settings.json `skills` /
// `prompts` name patterns, written through the settings writer's lock), the project's tri-state
// override (skills-overrides.json / prompts-overrides.json) and the effective state. Nothing here
// touches a live session: the toggles apply to sessions built afterwards (session-toggles.ts).
import { Inject, Injectable } from '@nestjs/common';
import { GrpcStatus, forgeError } from '@pi-forge/runtime';
import { ConfigFiles } from '../provider-config/config-files.js';
import { disabledNames, withNameToggled } from './name-patterns.js';
import { OverridesStore, type ResourceKind } from './overrides-store.js';
import { effective, isEmptyOverrides, overrideOf, withOverride, type NameOverridesFile } from './overrides.js';
import {
  RESOURCE_SCANNER,
  type ResourceScanner,
  type ScannedDiagnostic,
  type ScannedPrompt,
  type ScannedResources,
  type ScannedSkill,
} from './resource-scanner.port.js';

export interface ProjectFolder {
  id: string;
  path: string;
}

export interface ToggleState {
  /** The global state. */
  enabled: boolean;
  projectOverride?: 'enabled' | 'disabled';
  effective: boolean;
}

export type SkillView = ScannedSkill & ToggleState;
export type PromptView = ScannedPrompt & ToggleState;

interface KindOf {
  skills: ScannedSkill;
  prompts: ScannedPrompt;
}

const NOT_FOUND = { skills: 'skill_not_found', prompts: 'prompt_not_found' } as const;
const NOUN = { skills: 'skill', prompts: 'prompt template' } as const;

@Injectable()
export class ResourceToggles {
  constructor(
    @Inject(RESOURCE_SCANNER) private readonly scanner: ResourceScanner,
    private readonly store: OverridesStore,
    private readonly files: ConfigFiles,
  ) {}

  async list<K extends ResourceKind>(
    kind: K,
    project: ProjectFolder,
  ): Promise<{ items: (KindOf[K] & ToggleState)[]; diagnostics: ScannedDiagnostic[] }> {
    const scan = await this.scanner.scan(project.path);
    return { items: await this.view(kind, project.id, itemsOf(kind, scan)), diagnostics: diagnosticsOf(kind, scan) };
  }

  /** Turns `name` on or off globally or for the project; NOT_FOUND when the SDK does not load it here. */
  async set<K extends ResourceKind>(
    kind: K,
    project: ProjectFolder,
    name: string,
    enabled: boolean,
    scope: 'global' | 'project',
  ): Promise<(KindOf[K] & ToggleState)[]> {
    const items = await this.existing(kind, project, name);
    if (scope === 'global') {
      await this.files.locked(async () => {
        const settings = await this.files.readObject(this.files.settingsPath);
        const patterns = withNameToggled(settings[kind], name, enabled);
        if (patterns.length) settings[kind] = patterns as never;
        else delete settings[kind];
        await this.files.writeObject(this.files.settingsPath, settings);
      });
    } else {
      await this.store.updateNames(kind, (doc) => setEntry(doc, project.id, name, enabled));
    }
    return this.view(kind, project.id, items);
  }

  /** Drops the project's override of `name` (it follows the global state again). */
  async clear<K extends ResourceKind>(kind: K, project: ProjectFolder, name: string): Promise<(KindOf[K] & ToggleState)[]> {
    const items = await this.existing(kind, project, name);
    await this.store.updateNames(kind, (doc) => setEntry(doc, project.id, name, undefined));
    return this.view(kind, project.id, items);
  }

  /** Every project's overrides (the cascade view, V4). */
  overrides(kind: ResourceKind): Promise<NameOverridesFile> {
    return this.store.readNames(kind);
  }

  private async existing<K extends ResourceKind>(kind: K, project: ProjectFolder, name: string): Promise<KindOf[K][]> {
    const items = itemsOf(kind, await this.scanner.scan(project.path));
    if (!items.some((i) => i.name === name))
      throw forgeError(GrpcStatus.NOT_FOUND, NOT_FOUND[kind], `no ${NOUN[kind]} named ${name} is loaded for this project`);
    return items;
  }

  private async view<T extends { name: string }>(kind: ResourceKind, projectId: string, items: T[]): Promise<(T & ToggleState)[]> {
    const disabled = disabledNames((await this.files.readObject(this.files.settingsPath))[kind]);
    const entry = (await this.store.readNames(kind)).projects[projectId];
    return items.map((item) => {
      const enabled = !disabled.has(item.name);
      const override = overrideOf(entry, item.name);
      return {
        ...item,
        enabled,
        ...(override === undefined ? {} : { projectOverride: override ? ('enabled' as const) : ('disabled' as const) }),
        effective: effective(enabled, override),
      };
    });
  }
}

function itemsOf<K extends ResourceKind>(kind: K, scan: ScannedResources): KindOf[K][] {
  return (kind === 'skills' ? scan.skills : scan.prompts) as KindOf[K][];
}

function diagnosticsOf(kind: ResourceKind, scan: ScannedResources): ScannedDiagnostic[] {
  return kind === 'skills' ? scan.skillDiagnostics : scan.promptDiagnostics;
}

function setEntry(doc: NameOverridesFile, projectId: string, name: string, value: boolean | undefined): void {
  const entry = withOverride(doc.projects[projectId], name, value);
  if (isEmptyOverrides(entry)) delete doc.projects[projectId];
  else doc.projects[projectId] = entry;
}
