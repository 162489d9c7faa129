import { http } from './http';
import type { FileContent, SearchResult, TreeNode } from './api-types';

export const filesApi = {
  tree: (projectId: string) => http.get<TreeNode>('/files/tree', { projectId }),
  read: (projectId: string, path: string) => http.get<FileContent>('/files/read', { projectId, path }),
  write: (projectId: string, path: string, content: string) => http.put<{ path: string }>('/files/write', { projectId, path, content }),
  mkdir: (projectId: string, parentPath: string, name: string) =>
    http.post<{ path: string }>('/files/mkdir', { projectId, parentPath, name }),
  rename: (projectId: string, path: string, name: string) => http.post<{ path: string }>('/files/rename', { projectId, path, name }),
  remove: (projectId: string, path: string, recursive = false) =>
    http.del<void>('/files/delete', { projectId, path, recursive: recursive ? 'true' : undefined }),
  complete: (projectId: string, query: string) =>
    http.get<{ paths: string[] }>('/files/complete', { projectId, query, limit: 20 }).then((r) => r.paths),
  search: (projectId: string, q: string, opts: { regex?: boolean; caseSensitive?: boolean } = {}) =>
    http.get<SearchResult>('/files/search', {
      projectId,
      q,
      regex: opts.regex ? 'true' : undefined,
      caseSensitive: opts.caseSensitive ? 'true' : undefined,
    }),
};
