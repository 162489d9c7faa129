// Terminal tabs of this browser tab. Kept in sessionStorage (`forge.terminal.tabs.v1`) so a reload
// reattaches to the same shells, while a second browser tab gets its own.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { KEYS, readJson } from '../services/storage-keys';

export interface TerminalTab {
  id: string;
  projectId: string;
  label: string;
  createdAt: string;
}
interface Persisted {
  tabs: TerminalTab[];
  activeId: string | null;
}

function newTabId(): string {
  return `tab-${crypto.randomUUID()}`;
}

export const useTerminalStore = defineStore('terminal', () => {
  const saved = readJson<Persisted>(sessionStorage, KEYS.terminalTabs, { tabs: [], activeId: null });
  const tabs = ref<TerminalTab[]>(Array.isArray(saved.tabs) ? saved.tabs : []);
  const activeId = ref<string | null>(saved.activeId ?? null);

  watch([tabs, activeId], () => sessionStorage.setItem(KEYS.terminalTabs, JSON.stringify({ tabs: tabs.value, activeId: activeId.value })), {
    deep: true,
  });

  const forProject = (projectId: string) => computed(() => tabs.value.filter((t) => t.projectId === projectId));

  function add(projectId: string): TerminalTab {
    const n = tabs.value.filter((t) => t.projectId === projectId).length + 1;
    const tab = { id: newTabId(), projectId, label: `Terminal ${n}`, createdAt: new Date().toISOString() };
    tabs.value = [...tabs.value, tab];
    activeId.value = tab.id;
    return tab;
  }

  function remove(id: string): void {
    tabs.value = tabs.value.filter((t) => t.id !== id);
    if (activeId.value === id) activeId.value = tabs.value.at(-1)?.id ?? null;
  }

  function select(id: string): void {
    activeId.value = id;
  }

  return { tabs, activeId, forProject, add, remove, select };
});
