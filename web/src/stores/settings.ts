// Provider keys (presence only), the model list, agent defaults and custom providers (models.json).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { configApi } from '../services/config.api';
import type { AgentSettings, ProviderInfo } from '../services/api-types';

export const useSettingsStore = defineStore('settings', () => {
  const providers = ref<ProviderInfo[]>([]);
  const keys = ref<Record<string, { configured: boolean; label?: string }>>({});
  const defaults = ref<AgentSettings>({});
  const modelsJson = ref('');

  async function load(): Promise<void> {
    const [p, k, s] = await Promise.all([configApi.providers(), configApi.authPresence(), configApi.settings()]);
    providers.value = p;
    keys.value = k;
    defaults.value = s;
  }

  async function loadModelsJson(): Promise<void> {
    modelsJson.value = JSON.stringify((await configApi.models()).providers, null, 2);
  }

  async function saveModelsJson(text: string): Promise<void> {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('models.json must be an object of providers');
    await configApi.saveModels(parsed);
    await Promise.all([loadModelsJson(), load()]);
  }

  async function setKey(provider: string, apiKey: string): Promise<void> {
    await configApi.setKey(provider, apiKey);
    await load();
  }

  async function removeKey(provider: string): Promise<void> {
    await configApi.removeKey(provider);
    await load();
  }

  async function saveDefaults(patch: Partial<Record<keyof AgentSettings, unknown>>): Promise<void> {
    defaults.value = await configApi.saveSettings(patch);
  }

  return { providers, keys, defaults, modelsJson, load, loadModelsJson, saveModelsJson, setKey, removeKey, saveDefaults };
});
