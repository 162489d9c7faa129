// The project's file tree and the editor's open tabs. The API speaks absolute paths; the tree and
// the tabs use paths relative to the project root.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { filesApi } from '../services/files.api';
import type { SearchResult, TreeNode } from '../services/api-types';
import { useProjectsStore } from './projects';

export interface EditorTab {
  path: string;
  content: string;
  saved: string;
  language: string;
  binary: boolean;
}

export function joinPath(root: string, rel: string): string {
  return rel ? `${root.replace(/\/+$/, '')}/${rel.replace(/^\/+/, '')}` : root;
}

function findNode(node: TreeNode, path: string): TreeNode | undefined {
  if (node.path === path) return node;
  for (const c of node.children ?? []) {
    const hit = findNode(c, path);
    if (hit) return hit;
  }
  return undefined;
}

export const useFilesStore = defineStore('files', () => {
  const tree = ref<TreeNode | null>(null);
  const tabs = ref<EditorTab[]>([]);
  const activePath = ref<string | null>(null);
  const expanded = ref<Record<string, boolean>>({ '': true });
  const search = ref<SearchResult | null>(null);
  const searching = ref(false);

  const active = computed(() => tabs.value.find((t) => t.path === activePath.value) ?? null);
  const dirty = computed(() => tabs.value.filter((t) => t.content !== t.saved).map((t) => t.path));

  function project() {
    const p = useProjectsStore().active;
    if (!p) throw new Error('no project is open');
    return p;
  }

  async function loadTree(): Promise<void> {
    tree.value = await filesApi.tree(project().id);
  }

  function reset(): void {
    tree.value = null;
    tabs.value = [];
    activePath.value = null;
    expanded.value = { '': true };
    search.value = null;
  }

  async function open(path: string): Promise<void> {
    if (!tabs.value.some((t) => t.path === path)) {
      const p = project();
      const f = await filesApi.read(p.id, joinPath(p.path, path));
      tabs.value = [...tabs.value, { path, content: f.content, saved: f.content, language: f.language, binary: f.binary }];
    }
    activePath.value = path;
  }

  function edit(path: string, content: string): void {
    const tab = tabs.value.find((t) => t.path === path);
    if (tab) tab.content = content;
  }

  async function save(path = activePath.value): Promise<void> {
    const tab = tabs.value.find((t) => t.path === path);
    if (!tab || tab.binary) return;
    const p = project();
    const content = tab.content;
    await filesApi.write(p.id, joinPath(p.path, tab.path), content);
    tab.saved = content;
  }

  /** Creates an empty file (relative path, parent folders included) and opens it. */
  async function create(path: string): Promise<void> {
    const rel = path.trim().replace(/^\/+/, '');
    if (!rel || rel.split('/').some((part) => part === '..' || part === '.'))
      throw new Error('Give a path inside the project, like src/notes.md');
    const p = project();
    if (tree.value && findNode(tree.value, rel)) throw new Error(`${rel} already exists`);
    await filesApi.write(p.id, joinPath(p.path, rel), '');
    await loadTree();
    await open(rel);
  }

  function close(path: string): void {
    const i = tabs.value.findIndex((t) => t.path === path);
    if (i < 0) return;
    tabs.value = tabs.value.filter((t) => t.path !== path);
    if (activePath.value === path) activePath.value = tabs.value[Math.min(i, tabs.value.length - 1)]?.path ?? null;
  }

  /** Re-reads open tabs the agent may have changed, unless the user has unsaved edits in them. */
  async function refreshClean(): Promise<void> {
    const p = project();
    for (const tab of tabs.value) {
      if (tab.content !== tab.saved || tab.binary) continue;
      try {
        const f = await filesApi.read(p.id, joinPath(p.path, tab.path));
        tab.content = f.content;
        tab.saved = f.content;
      } catch {
        // deleted or unreadable now: keep what we have
      }
    }
  }

  async function runSearch(q: string, opts: { regex?: boolean; caseSensitive?: boolean } = {}): Promise<void> {
    searching.value = true;
    try {
      search.value = await filesApi.search(project().id, q, opts);
    } finally {
      searching.value = false;
    }
  }

  /** `@` completion in the composer: project paths starting with `query`. */
  function complete(projectId: string, query: string): Promise<string[]> {
    return filesApi.complete(projectId, query);
  }

  return {
    complete,
    tree,
    tabs,
    activePath,
    active,
    dirty,
    expanded,
    search,
    searching,
    loadTree,
    reset,
    open,
    create,
    edit,
    save,
    close,
    refreshClean,
    runSearch,
  };
});
