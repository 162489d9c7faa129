// How a session's SettingsManager is adjusted so the SDK loads every skill and prompt template
// and pi-forge filters them by name (name-patterns.ts): the name entries of `skills` / `prompts`
// are hidden from the SDK's view of the global and project settings (patched on this instance only,
// like sandbox-packages.ts; the file on disk is untouched).
import type { SettingsManager } from '../sdk/pi-sdk.js';
import { withoutNameToggles } from './name-patterns.js';

type Settings = ReturnType<SettingsManager['getGlobalSettings']>;

function strip(settings: Settings): Settings {
  const out = { ...settings };
  if (settings.skills) out.skills = withoutNameToggles(settings.skills);
  if (settings.prompts) out.prompts = withoutNameToggles(settings.prompts);
  return out;
}

export function withoutNameTogglePatterns(settings: SettingsManager): SettingsManager {
  const global = settings.getGlobalSettings.bind(settings);
  const project = settings.getProjectSettings.bind(settings);
  settings.getGlobalSettings = () => strip(global());
  settings.getProjectSettings = () => strip(project());
  return settings;
}
