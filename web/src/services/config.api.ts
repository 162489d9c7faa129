import { http } from './http';
import type { AgentSettings, ProviderInfo } from './api-types';

export const configApi = {
  providers: () => http.get<{ providers: ProviderInfo[] }>('/config/providers').then((r) => r.providers),
  authPresence: () =>
    http.get<{ providers: Record<string, { configured: boolean; label?: string }> }>('/config/auth').then((r) => r.providers),
  setKey: (provider: string, apiKey: string) =>
    http.put<{ provider: string; configured: true }>(`/config/auth/${encodeURIComponent(provider)}`, { apiKey }),
  removeKey: (provider: string) => http.del<void>(`/config/auth/${encodeURIComponent(provider)}`),
  models: () => http.get<{ providers: Record<string, unknown> }>('/config/models'),
  saveModels: (providers: Record<string, unknown>) => http.put<{ providers: Record<string, unknown> }>('/config/models', { providers }),
  settings: () => http.get<AgentSettings>('/config/settings'),
  saveSettings: (patch: Partial<Record<keyof AgentSettings, unknown>>) => http.put<AgentSettings>('/config/settings', patch),
};
