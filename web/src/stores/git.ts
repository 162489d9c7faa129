// Git state of the open project: status, the selected file's diff, log and branches.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { gitApi } from '../services/git.api';
import type { GitBranch, GitCommit, GitStatus } from '../services/api-types';
import { useProjectsStore } from './projects';

export const useGitStore = defineStore('git', () => {
  const status = ref<GitStatus | null>(null);
  const log = ref<GitCommit[]>([]);
  const branches = ref<GitBranch[]>([]);
  const selected = ref<{ path: string; staged: boolean; diff: string } | null>(null);
  const busy = ref(false);

  const staged = computed(() => status.value?.files.filter((f) => f.staged) ?? []);
  const unstaged = computed(() => status.value?.files.filter((f) => f.unstaged) ?? []);

  function pid(): string {
    const p = useProjectsStore().active;
    if (!p) throw new Error('no project is open');
    return p.id;
  }

  async function refresh(): Promise<void> {
    const id = pid();
    status.value = await gitApi.status(id);
    // The shown diff goes stale once its file is committed or reverted.
    const sel = selected.value;
    if (sel && !status.value.files.some((f) => f.path === sel.path && (sel.staged ? f.staged : f.unstaged))) selected.value = null;
    if (status.value.isGitRepo) {
      const [l, b] = await Promise.all([gitApi.log(id, 30), gitApi.branches(id)]);
      log.value = l.commits;
      branches.value = b.branches;
    } else {
      log.value = [];
      branches.value = [];
    }
  }

  async function withRefresh(fn: () => Promise<unknown>): Promise<void> {
    busy.value = true;
    try {
      await fn();
    } finally {
      busy.value = false;
      await refresh();
    }
  }

  async function showDiff(path: string, isStaged: boolean): Promise<void> {
    selected.value = { path, staged: isStaged, diff: await gitApi.diffFile(pid(), path, isStaged) };
  }

  const stage = (paths: string[]) => withRefresh(() => gitApi.stage(pid(), paths));
  const unstage = (paths: string[]) => withRefresh(() => gitApi.unstage(pid(), paths));
  const commit = (message: string) => withRefresh(() => gitApi.commit(pid(), message));
  const discard = (paths: string[]) => withRefresh(() => gitApi.revert(pid(), paths));
  const checkout = (branch: string) => withRefresh(() => gitApi.checkout(pid(), branch));
  const createBranch = (name: string) => withRefresh(() => gitApi.createBranch(pid(), name));
  const init = () => withRefresh(() => gitApi.init(pid()));
  const pull = () => withRefresh(() => gitApi.pull(pid()));
  const push = () => withRefresh(() => gitApi.push(pid()));

  function reset(): void {
    status.value = null;
    log.value = [];
    branches.value = [];
    selected.value = null;
  }

  return {
    status,
    log,
    branches,
    selected,
    busy,
    staged,
    unstaged,
    refresh,
    showDiff,
    stage,
    unstage,
    commit,
    discard,
    checkout,
    createBranch,
    init,
    pull,
    push,
    reset,
  };
});
