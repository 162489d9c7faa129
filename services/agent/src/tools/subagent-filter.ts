// Sandbox mode drops pi-subagents from the session's settings (contract §5.15): its workers are
// `pi` processes the agent service would start as the server user, outside the tool identity.
import type { LoadExtensionsResult, PackageSource, SettingsManager } from '../sdk/pi-sdk.js';

const SUBAGENTS = /(^|[/@:\\])pi-subagents(?=$|[@/\\.#])/;

export function isSubagentsSource(source: PackageSource | string): boolean {
  return SUBAGENTS.test(typeof source === 'string' ? source : source.source);
}

/** Makes this settings manager report global and project settings without pi-subagents packages or extensions. */
export function withoutSubagents(settings: SettingsManager): void {
  const strip = <T extends { packages?: PackageSource[]; extensions?: string[] }>(s: T): T => ({
    ...s,
    ...(s.packages ? { packages: s.packages.filter((p) => !isSubagentsSource(p)) } : {}),
    ...(s.extensions ? { extensions: s.extensions.filter((e) => !isSubagentsSource(e)) } : {}),
  });
  const global = settings.getGlobalSettings.bind(settings);
  const project = settings.getProjectSettings.bind(settings);
  settings.getGlobalSettings = () => strip(global());
  settings.getProjectSettings = () => strip(project());
}

/** Backstop for the loader: an extension found some other way (a folder named pi-subagents) is dropped too. */
export function dropSubagentExtensions(base: LoadExtensionsResult): LoadExtensionsResult {
  return { ...base, extensions: base.extensions.filter((e) => !isSubagentsSource(e.path) && !isSubagentsSource(e.resolvedPath)) };
}
