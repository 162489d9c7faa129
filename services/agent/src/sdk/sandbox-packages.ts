// In sandbox mode pi-subagents is not loaded (contract §10.2 step 3, as the original): its child
// sessions are SDK sessions the package builds itself, with the SDK's own tools running as this
// service's user and environment (provider keys included), so they would escape the tool identity.
import type { LoadExtensionsResult, SettingsManager } from './pi-sdk.js';

type Settings = ReturnType<SettingsManager['getGlobalSettings']>;

/** Does a package source or extension path name pi-subagents (`npm:pi-subagents@1`, a git URL, a folder)? */
export function isPiSubagents(source: string): boolean {
  return /(^|[/\\:])pi-subagents(@[^/\\]*)?([/\\#]|\.git$|$)/.test(source);
}

function strip(settings: Settings): Settings {
  const out = { ...settings };
  if (settings.packages) out.packages = settings.packages.filter((p) => !isPiSubagents(typeof p === 'string' ? p : p.source));
  if (settings.extensions) out.extensions = settings.extensions.filter((e) => !isPiSubagents(e));
  return out;
}

/** The settings the resource loader reads (global and project), without pi-subagents. */
export function withoutPiSubagents(settings: SettingsManager): SettingsManager {
  const global = settings.getGlobalSettings.bind(settings);
  const project = settings.getProjectSettings.bind(settings);
  settings.getGlobalSettings = () => strip(global());
  settings.getProjectSettings = () => strip(project());
  return settings;
}

/** Drops a pi-subagents copy found by folder discovery (`PI_CONFIG_DIR/extensions/pi-subagents/`). */
export function dropPiSubagentsExtensions(base: LoadExtensionsResult): LoadExtensionsResult {
  return { ...base, extensions: base.extensions.filter((e) => !isPiSubagents(e.resolvedPath) && !isPiSubagents(e.path)) };
}
