// Per-project tri-state overrides (contract §7.2): a project lists names forced on (`enable`) and
// forced off (`disable`); a name in neither follows the global state. The shapes of
// skills-overrides.json, prompts-overrides.json and tool-overrides.json, read leniently (malformed
// entries are dropped, never fatal) and changed by pure functions.

export interface NameOverrides {
  enable: string[];
  disable: string[];
}

export interface NameOverridesFile {
  projects: Record<string, NameOverrides>;
}

export const TOOL_FAMILIES = ['builtin', 'mcp', 'extension'] as const;
export type ToolFamilyName = (typeof TOOL_FAMILIES)[number];

export type ToolOverridesFile = Record<ToolFamilyName, string[]> & {
  projects: Record<string, Record<ToolFamilyName, NameOverrides>>;
};

/** A project's override of one name: true (on), false (off) or undefined (inherit). */
export type Override = boolean | undefined;

/** Project ids come from the workspace (UUIDs); a hand-edited file must not reach the prototype. */
const DANGEROUS = new Set(['__proto__', 'prototype', 'constructor']);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const names = (v: unknown): string[] =>
  Array.isArray(v) ? [...new Set(v.filter((n): n is string => typeof n === 'string' && n !== ''))] : [];

export function normalizeNameOverrides(v: unknown): NameOverrides {
  return isObject(v) ? { enable: names(v.enable), disable: names(v.disable) } : { enable: [], disable: [] };
}

export function normalizeNameOverridesFile(v: unknown): NameOverridesFile {
  const projects: Record<string, NameOverrides> = {};
  if (isObject(v) && isObject(v.projects))
    for (const [id, entry] of Object.entries(v.projects)) if (!DANGEROUS.has(id)) projects[id] = normalizeNameOverrides(entry);
  return { projects };
}

export function normalizeToolOverridesFile(v: unknown): ToolOverridesFile {
  const doc = isObject(v) ? v : {};
  const projects: ToolOverridesFile['projects'] = {};
  if (isObject(doc.projects))
    for (const [id, entry] of Object.entries(doc.projects)) {
      if (DANGEROUS.has(id)) continue;
      const e = isObject(entry) ? entry : {};
      projects[id] = {
        builtin: normalizeNameOverrides(e.builtin),
        mcp: normalizeNameOverrides(e.mcp),
        extension: normalizeNameOverrides(e.extension),
      };
    }
  return { builtin: names(doc.builtin), mcp: names(doc.mcp), extension: names(doc.extension), projects };
}

export function overrideOf(entry: NameOverrides | undefined, name: string): Override {
  if (entry?.disable.includes(name)) return false;
  if (entry?.enable.includes(name)) return true;
  return undefined;
}

/** The entry with `name` set to on, off or inherit (removed from both lists). */
export function withOverride(entry: NameOverrides | undefined, name: string, value: Override): NameOverrides {
  const enable = (entry?.enable ?? []).filter((n) => n !== name);
  const disable = (entry?.disable ?? []).filter((n) => n !== name);
  if (value === true) enable.push(name);
  if (value === false) disable.push(name);
  return { enable, disable };
}

export const isEmptyOverrides = (e: NameOverrides): boolean => e.enable.length === 0 && e.disable.length === 0;

/** Effective = the project's override when it has one, else the global state. */
export function effective(globalEnabled: boolean, override: Override): boolean {
  return override ?? globalEnabled;
}
