import { http, request } from './http';
import type { AgentMessage, SessionSummary, TurnDiffEntry } from './api-types';

const s = (id: string) => `/sessions/${encodeURIComponent(id)}`;

export const sessionsApi = {
  list: (projectId?: string) => http.get<{ sessions: SessionSummary[] }>('/sessions', { projectId }).then((r) => r.sessions),
  create: (projectId: string) => http.post<SessionSummary>('/sessions', { projectId }),
  get: (id: string) => http.get<SessionSummary>(s(id)),
  messages: (id: string) => http.get<{ messages: AgentMessage[] }>(`${s(id)}/messages`).then((r) => r.messages),
  rename: (id: string, name: string) => http.post<SessionSummary>(`${s(id)}/name`, { name }),
  remove: (id: string) => http.del<void>(s(id)),
  prompt: (id: string, text: string, streamingBehavior?: 'steer' | 'followUp', attachments: File[] = []) => {
    if (attachments.length === 0)
      return http.post<{ accepted: true; sessionName?: string }>(
        `${s(id)}/prompt`,
        streamingBehavior ? { text, streamingBehavior } : { text },
      );
    const form = new FormData();
    form.set('text', text);
    if (streamingBehavior) form.set('streamingBehavior', streamingBehavior);
    for (const f of attachments) form.append('attachments', f, f.name);
    return request<{ accepted: true; sessionName?: string }>(`${s(id)}/prompt`, { method: 'POST', body: form });
  },
  steer: (id: string, text: string, mode: 'steer' | 'followUp' = 'steer') =>
    http.post<{ accepted: true }>(`${s(id)}/steer`, { text, mode }),
  abort: (id: string) => http.post<void>(`${s(id)}/abort`),
  compact: (id: string) => http.post<{ summary: string }>(`${s(id)}/compact`, {}),
  setModel: (id: string, provider: string, modelId: string) =>
    http.post<{ provider: string; modelId: string }>(`${s(id)}/model`, { provider, modelId }),
  setThinkingLevel: (id: string, level: string) => http.post<{ level: string }>(`${s(id)}/thinking-level`, { level }),
  turnDiff: (id: string) => http.get<{ entries: TurnDiffEntry[] }>(`${s(id)}/turn-diff`).then((r) => r.entries),
  fork: (id: string, entryId: string) => http.post<SessionSummary>(`${s(id)}/fork`, { entryId }),
  tree: (id: string) =>
    http.get<{
      leafId: string | null;
      branchIds: string[];
      entries: { id: string; parentId: string | null; type: string; role?: string; preview?: string }[];
    }>(`${s(id)}/tree`),
  /** The exported conversation as a file (the server names it). */
  exportFile: async (id: string, format: 'markdown' | 'jsonl'): Promise<{ blob: Blob; filename: string }> => {
    const res = await request<Response>(`${s(id)}/export`, { query: { format }, raw: true });
    const filename =
      /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `session.${format === 'markdown' ? 'md' : 'jsonl'}`;
    return { blob: await res.blob(), filename };
  },
  exec: (id: string, command: string, excludeFromContext = false) =>
    http.post<{ exitCode: number | null; output: string }>(`${s(id)}/exec`, { command, excludeFromContext }),
};
