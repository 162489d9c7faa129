// Browser-side persisted state, named as in the contract (§7.6) so users keep their layout.
export const KEYS = {
  token: 'pi-forge/auth-token',
  tokenExpiresAt: 'pi-forge/auth-expires-at',
  mustChangePassword: 'pi-forge/auth-must-change-password',
  activeProject: 'pi-forge/active-project-id',
  activeSession: 'pi-forge/active-session-id',
  collapsedProjects: 'pi-forge/collapsed-projects',
  rightTab: 'pi-forge/right-tab',
  terminalOpen: 'pi-forge/terminal-open',
  theme: 'pi-forge/theme',
  model: (sessionId: string) => `pi-forge/model/${sessionId}`,
  draft: (sessionId: string) => `pi-forge/draft/${sessionId}`,
  /** sessionStorage: per browser tab, so two tabs never fight over one PTY. */
  terminalTabs: 'forge.terminal.tabs.v1',
} as const;

export function readJson<T>(storage: Storage, key: string, fallback: T): T {
  try {
    const raw = storage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}
