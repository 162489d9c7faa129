import { http } from './http';
import type { BrowseResult, Project } from './api-types';

export const projectsApi = {
  list: () => http.get<{ projects: Project[] }>('/projects').then((r) => r.projects),
  create: (name: string, path: string) => http.post<Project>('/projects', { name, path }),
  rename: (id: string, name: string) => http.patch<Project>(`/projects/${encodeURIComponent(id)}`, { name }),
  remove: (id: string) => http.del<{ cascaded: boolean }>(`/projects/${encodeURIComponent(id)}`),
  browse: (path?: string) => http.get<BrowseResult>('/projects/browse', { path }),
  mkdir: (parentPath: string, name: string) => http.post<{ path: string }>('/projects/browse/mkdir', { parentPath, name }),
};
