// The project list and which project is open.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { projectsApi } from '../services/projects.api';
import type { BrowseResult, Project } from '../services/api-types';
import { KEYS } from '../services/storage-keys';

export const useProjectsStore = defineStore('projects', () => {
  const projects = ref<Project[]>([]);
  const activeId = ref<string | null>(localStorage.getItem(KEYS.activeProject));
  const loaded = ref(false);

  const active = computed(() => projects.value.find((p) => p.id === activeId.value) ?? null);

  watch(activeId, (id) => (id ? localStorage.setItem(KEYS.activeProject, id) : localStorage.removeItem(KEYS.activeProject)));

  async function load(): Promise<void> {
    projects.value = await projectsApi.list();
    loaded.value = true;
    if (!active.value) activeId.value = projects.value[0]?.id ?? null;
  }

  async function add(name: string, path: string): Promise<Project> {
    const project = await projectsApi.create(name, path);
    projects.value = [...projects.value, project];
    activeId.value = project.id;
    return project;
  }

  async function rename(id: string, name: string): Promise<void> {
    const updated = await projectsApi.rename(id, name);
    projects.value = projects.value.map((p) => (p.id === id ? updated : p));
  }

  async function remove(id: string): Promise<void> {
    await projectsApi.remove(id);
    projects.value = projects.value.filter((p) => p.id !== id);
    if (activeId.value === id) activeId.value = projects.value[0]?.id ?? null;
  }

  /** The folder picker: folders under `path` (the workspace root when absent). */
  function browse(path?: string): Promise<BrowseResult> {
    return projectsApi.browse(path);
  }

  function mkdir(parentPath: string, name: string): Promise<{ path: string }> {
    return projectsApi.mkdir(parentPath, name);
  }

  function select(id: string): void {
    activeId.value = id;
  }

  return { projects, activeId, active, loaded, load, add, rename, remove, select, browse, mkdir };
});
