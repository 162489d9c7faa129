// Sessions per project, the open session, and which ones are running right now.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { sessionsApi } from '../services/sessions.api';
import type { SessionSummary } from '../services/api-types';
import { KEYS } from '../services/storage-keys';

export const useSessionsStore = defineStore('sessions', () => {
  const byProject = ref<Record<string, SessionSummary[]>>({});
  const activeId = ref<string | null>(localStorage.getItem(KEYS.activeSession));
  const streaming = ref<Record<string, boolean>>({});

  const all = computed(() => Object.values(byProject.value).flat());
  const active = computed(() => all.value.find((s) => s.sessionId === activeId.value) ?? null);

  watch(activeId, (id) => (id ? localStorage.setItem(KEYS.activeSession, id) : localStorage.removeItem(KEYS.activeSession)));

  async function load(projectId: string): Promise<void> {
    const list = await sessionsApi.list(projectId);
    byProject.value = { ...byProject.value, [projectId]: list };
    for (const s of list) if (s.isStreaming) streaming.value[s.sessionId] = true;
  }

  async function create(projectId: string): Promise<SessionSummary> {
    const s = await sessionsApi.create(projectId);
    byProject.value = { ...byProject.value, [projectId]: [s, ...(byProject.value[projectId] ?? [])] };
    activeId.value = s.sessionId;
    return s;
  }

  function patch(sessionId: string, change: Partial<SessionSummary>): void {
    for (const [pid, list] of Object.entries(byProject.value)) {
      if (list.some((s) => s.sessionId === sessionId)) {
        byProject.value = { ...byProject.value, [pid]: list.map((s) => (s.sessionId === sessionId ? { ...s, ...change } : s)) };
      }
    }
  }

  async function rename(sessionId: string, name: string): Promise<void> {
    const s = await sessionsApi.rename(sessionId, name);
    patch(sessionId, { name: s.name ?? name });
  }

  async function remove(sessionId: string): Promise<void> {
    await sessionsApi.remove(sessionId);
    for (const [pid, list] of Object.entries(byProject.value)) byProject.value[pid] = list.filter((s) => s.sessionId !== sessionId);
    if (activeId.value === sessionId) activeId.value = null;
  }

  function select(sessionId: string | null): void {
    activeId.value = sessionId;
  }

  /** The session as a Markdown file, for the browser to save. */
  function exportMarkdown(sessionId: string): Promise<{ blob: Blob; filename: string }> {
    return sessionsApi.exportFile(sessionId, 'markdown');
  }

  function setStreaming(sessionId: string, on: boolean): void {
    streaming.value = { ...streaming.value, [sessionId]: on };
  }

  return { byProject, activeId, active, streaming, all, load, create, rename, remove, select, patch, setStreaming, exportMarkdown };
});
