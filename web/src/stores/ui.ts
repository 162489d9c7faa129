// Layout and appearance: the server's UI config (MINIMAL_UI), theme, which right-hand tab is open,
// the mobile drawer and the settings dialog.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { authApi } from '../services/auth.api';
import type { UiConfig } from '../services/api-types';
import { KEYS } from '../services/storage-keys';

export type Theme = 'dark' | 'light';
export type RightTab = 'files' | 'search' | 'changes' | 'git' | 'processes';

export const useUiStore = defineStore('ui', () => {
  const config = ref<UiConfig | null>(null);
  const theme = ref<Theme>(localStorage.getItem(KEYS.theme) === 'light' ? 'light' : 'dark');
  const rightTab = ref<RightTab>((localStorage.getItem(KEYS.rightTab) as RightTab | null) ?? 'files');
  const terminalOpen = ref(localStorage.getItem(KEYS.terminalOpen) === 'true');
  const drawerOpen = ref(false);
  const settingsOpen = ref(false);

  const minimal = computed(() => config.value?.minimal ?? false);
  /** MINIMAL_UI hides the terminal, git and last-turn panes (docs/compatibility.md#auth-and-security). */
  const rightTabs = computed<RightTab[]>(() => (minimal.value ? ['files', 'search'] : ['files', 'search', 'changes', 'git', 'processes']));

  watch(theme, (t) => {
    localStorage.setItem(KEYS.theme, t);
    applyTheme(t);
  });
  watch(rightTab, (t) => localStorage.setItem(KEYS.rightTab, t));
  watch(terminalOpen, (o) => localStorage.setItem(KEYS.terminalOpen, String(o)));

  async function loadConfig(): Promise<void> {
    config.value = await authApi.uiConfig();
    if (!rightTabs.value.includes(rightTab.value)) rightTab.value = 'files';
  }

  return { config, theme, rightTab, terminalOpen, drawerOpen, settingsOpen, minimal, rightTabs, loadConfig };
});

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', theme === 'light' ? '#ffffff' : '#0a0a0a');
}
