// The open ask_user_question requests of the sessions this tab follows: fed by the chat stream,
// answered through the API. The sessions store's `pendingQuestions` follows along so the sidebar
// marks a session that waits on the user.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { askUserQuestionApi } from '../services/ask-user-question.api';
import type { AskAnswer, PendingQuestionRequest } from '../services/api-types';
import type { StreamEvent } from '../services/session-stream';
import { applyAskEvent } from './ask-user-question-drafts';
import { useSessionsStore } from './sessions';

const ASK_EVENTS = new Set(['snapshot', 'ask_user_question', 'ask_user_question_cancelled']);

export const useAskUserQuestionStore = defineStore('ask-user-question', () => {
  const bySession = ref<Record<string, PendingQuestionRequest[]>>({});

  function set(sessionId: string, list: PendingQuestionRequest[]): void {
    bySession.value = { ...bySession.value, [sessionId]: list };
    useSessionsStore().patch(sessionId, { pendingQuestions: list.length });
  }

  function apply(sessionId: string, e: StreamEvent): void {
    if (ASK_EVENTS.has(e.type)) set(sessionId, applyAskEvent(bySession.value[sessionId] ?? [], e));
  }

  /** The oldest open request of a session (the panel shows one at a time). */
  function current(sessionId: string | null): PendingQuestionRequest | undefined {
    return sessionId ? bySession.value[sessionId]?.[0] : undefined;
  }

  /** Sends the answers; the request leaves the list at once (the stream's cancelled event would do it too). */
  async function answer(sessionId: string, requestId: string, answers: AskAnswer[], cancelled = false): Promise<void> {
    await askUserQuestionApi.answer(sessionId, { requestId, answers, ...(cancelled ? { cancelled } : {}) });
    set(
      sessionId,
      (bySession.value[sessionId] ?? []).filter((r) => r.requestId !== requestId),
    );
  }

  return { bySession, apply, current, answer };
});
