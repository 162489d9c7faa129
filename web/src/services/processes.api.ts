// The Processes routes of a session (docs/api.md#background-processes).
import { http, request } from './http';

export type ProcessStatus = 'running' | 'terminating' | 'terminate_timeout' | 'exited' | 'killed';

export interface ProcessInfo {
  id: string;
  name: string;
  pid: number;
  command: string;
  cwd: string;
  startTime: number;
  endTime: number | null;
  status: ProcessStatus;
  exitCode: number | null;
  success: boolean | null;
  stdoutFile: string;
  stderrFile: string;
  alertOnSuccess: boolean;
  alertOnFailure: boolean;
  alertOnKill: boolean;
}

export interface ProcessOutput {
  stdout: string[];
  stderr: string[];
  status: ProcessStatus;
}

const base = (sessionId: string) => `/sessions/${encodeURIComponent(sessionId)}/processes`;
const one = (sessionId: string, id: string) => `${base(sessionId)}/${encodeURIComponent(id)}`;

export const processesApi = {
  list: (sessionId: string) => http.get<{ processes: ProcessInfo[] }>(base(sessionId)).then((r) => r.processes),
  output: (sessionId: string, id: string, tail = 500) => http.get<ProcessOutput>(`${one(sessionId, id)}/output`, { tail }),
  kill: (sessionId: string, id: string) => http.post<{ ok: boolean; reason?: string }>(`${one(sessionId, id)}/kill`),
  clear: (sessionId: string) => http.del<{ cleared: number }>(base(sessionId)),
  stdin: (sessionId: string, id: string, input: string, end = false) =>
    http.post<{ ok: boolean; reason?: string }>(`${one(sessionId, id)}/stdin`, end ? { input, end } : { input }),
  logFile: async (sessionId: string, id: string, stream: 'stdout' | 'stderr') => {
    const res = await request<Response>(`${one(sessionId, id)}/logs/file`, { query: { stream }, raw: true });
    return res.blob();
  },
};
