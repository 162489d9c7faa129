import { http } from './http';
import type { AskAnswer, PendingQuestionRequest } from './api-types';

const base = (sessionId: string) => `/sessions/${encodeURIComponent(sessionId)}/ask-user-question`;

export const askUserQuestionApi = {
  pending: (sessionId: string) => http.get<{ pending: PendingQuestionRequest[] }>(`${base(sessionId)}/pending`).then((r) => r.pending),
  answer: (sessionId: string, body: { requestId: string; cancelled?: boolean; answers?: AskAnswer[] }) =>
    http.post<void>(`${base(sessionId)}/answer`, body),
};
