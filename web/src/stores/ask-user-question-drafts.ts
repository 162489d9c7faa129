// The pure half of the ask_user_question panel: how stream events change a session's pending
// requests, and how the user's picks in the panel become the answer body (docs/api.md, section 7).
import type { AskAnswer, AskQuestion, PendingQuestionRequest } from '../services/api-types';
import type { StreamEvent } from '../services/session-stream';

/** The value of the free-text row ("Other"); never a real label, since the tool reserves "Other". */
export const OTHER = 'Other';

/** What the user has picked for one question so far. */
export interface QuestionDraft {
  /** Single-select: the picked label or OTHER. */
  choice: string | null;
  /** Multi-select: the picked labels (and OTHER when the typed answer is on). */
  selected: string[];
  other: string;
  notes: string;
}

export const emptyDraft = (): QuestionDraft => ({ choice: null, selected: [], other: '', notes: '' });

/** A session's pending requests after one stream event (a snapshot clears them: the server re-delivers the open ones). */
export function applyAskEvent(list: readonly PendingQuestionRequest[], e: StreamEvent): PendingQuestionRequest[] {
  if (e.type === 'snapshot') return [];
  if (e.type === 'ask_user_question' && typeof e.requestId === 'string') {
    if (list.some((r) => r.requestId === e.requestId)) return [...list];
    return [...list, { requestId: e.requestId, questions: (e.questions as AskQuestion[]) ?? [] }];
  }
  if (e.type === 'ask_user_question_cancelled') return list.filter((r) => r.requestId !== e.requestId);
  return [...list];
}

/** The answer of one question, or undefined while nothing usable is picked. */
export function answerOf(q: AskQuestion, questionIndex: number, d: QuestionDraft): AskAnswer | undefined {
  const other = d.other.trim();
  const notes = d.notes.trim() ? { notes: d.notes.trim() } : {};
  const base = { questionIndex, question: q.question, ...notes };
  if (q.multiSelect) {
    const selected = d.selected.filter((s) => s !== OTHER);
    const typed = d.selected.includes(OTHER) && other ? other : null;
    if (selected.length === 0 && !typed) return undefined;
    return { ...base, kind: 'multi', selected, answer: typed };
  }
  if (d.choice === OTHER) return other ? { ...base, kind: 'custom', answer: other } : undefined;
  if (d.choice) return { ...base, kind: 'option', answer: d.choice };
  return undefined;
}

/** Every usable answer, in question order. */
export function answersOf(questions: readonly AskQuestion[], drafts: readonly QuestionDraft[]): AskAnswer[] {
  return questions.flatMap((q, i) => answerOf(q, i, drafts[i] ?? emptyDraft()) ?? []);
}
