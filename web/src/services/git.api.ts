import { http } from './http';
import type { GitBranch, GitCommit, GitStatus } from './api-types';

export const gitApi = {
  status: (projectId: string) => http.get<GitStatus>('/git/status', { projectId }),
  diffFile: (projectId: string, path: string, staged: boolean) =>
    http.get<{ diff: string }>('/git/diff/file', { projectId, path, staged: staged ? 'true' : 'false' }).then((r) => r.diff),
  stage: (projectId: string, paths: string[]) => http.post<{ ok: true }>('/git/stage', { projectId, paths }),
  unstage: (projectId: string, paths: string[]) => http.post<{ ok: true }>('/git/unstage', { projectId, paths }),
  revert: (projectId: string, paths: string[]) => http.post<{ ok: true }>('/git/revert', { projectId, paths }),
  commit: (projectId: string, message: string) => http.post<{ hash: string }>('/git/commit', { projectId, message }),
  log: (projectId: string, limit = 30) => http.get<{ isGitRepo: boolean; commits: GitCommit[] }>('/git/log', { projectId, limit }),
  branches: (projectId: string) =>
    http.get<{ isGitRepo: boolean; current?: string; branches: GitBranch[] }>('/git/branches', { projectId }),
  checkout: (projectId: string, branch: string) => http.post<{ ok: true }>('/git/checkout', { projectId, branch }),
  createBranch: (projectId: string, name: string) => http.post<{ ok: true }>('/git/branch/create', { projectId, name, checkout: true }),
  init: (projectId: string) => http.post<{ isGitRepo: true }>('/git/init', { projectId }),
  pull: (projectId: string) => http.post<{ output: string }>('/git/pull', { projectId }),
  push: (projectId: string) => http.post<{ output: string }>('/git/push', { projectId }),
};
