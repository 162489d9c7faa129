// How a user's answer to an ask_user_question request is checked against what was asked, and
// what the model reads back: the details of the tool result and its text summary (the envelope
// wording of @juicesharp/rpiv-ask-user-question).
import type { Question } from './questionnaire.js';

export type AnswerKind = 'option' | 'custom' | 'chat' | 'multi';

/** One answer as a client sends it (the gateway's DTO has checked the types). */
export interface SubmittedAnswer {
  questionIndex: number;
  kind: string | undefined;
  answer?: string | null;
  selected?: readonly string[];
  notes?: string;
}

/** One answer in the tool result. */
export interface QuestionAnswer {
  questionIndex: number;
  question: string;
  kind: AnswerKind;
  answer: string | null;
  selected?: string[];
  notes?: string;
  preview?: string;
}

export interface QuestionnaireResult {
  answers: QuestionAnswer[];
  cancelled: boolean;
  /** Why the call ended without answers: a validation code of the tool's arguments, or `timeout`. */
  error?: string;
}

export type AnswerCheck = { ok: true; result: QuestionnaireResult } | { ok: false; message: string };

const KINDS: readonly string[] = ['option', 'custom', 'chat', 'multi'];

/**
 * Checks a submission against the questions: every questionIndex asked once, single-select
 * questions get one of their labels, multi-select ones a subset of theirs, free text is not empty.
 * The question text and previews come from what was asked, never from the client.
 */
export function checkAnswers(questions: readonly Question[], cancelled: boolean, submitted: readonly SubmittedAnswer[]): AnswerCheck {
  const fail = (message: string): AnswerCheck => ({ ok: false, message });
  if (!cancelled && submitted.length === 0) return fail('answer at least one question, or cancel');
  const answers: QuestionAnswer[] = [];
  const seen = new Set<number>();
  for (const a of submitted) {
    const q = questions[a.questionIndex];
    if (!Number.isInteger(a.questionIndex) || !q)
      return fail(`questionIndex ${a.questionIndex} is not one of the ${questions.length} questions`);
    if (seen.has(a.questionIndex)) return fail(`question ${a.questionIndex} is answered twice`);
    seen.add(a.questionIndex);
    if (!a.kind || !KINDS.includes(a.kind)) return fail(`answer ${a.questionIndex}: kind must be one of ${KINDS.join(', ')}`);
    const kind = a.kind as AnswerKind;
    const labels = q.options.map((o) => o.label);
    const freeText = typeof a.answer === 'string' && a.answer.trim() ? a.answer.trim() : null;
    const selected = [...(a.selected ?? [])];
    const base = { questionIndex: a.questionIndex, question: q.question, kind, ...(a.notes?.trim() ? { notes: a.notes.trim() } : {}) };
    if (kind === 'option') {
      if (q.multiSelect) return fail(`question ${a.questionIndex} is multi-select: answer with kind multi`);
      if (!freeText || !labels.includes(freeText)) return fail(`answer ${a.questionIndex}: "${a.answer ?? ''}" is not one of its options`);
      if (selected.length > 1 || (selected.length === 1 && selected[0] !== freeText))
        return fail(`question ${a.questionIndex} is single-select: pick exactly one option`);
      const preview = q.options.find((o) => o.label === freeText)?.preview;
      answers.push({ ...base, answer: freeText, ...(preview ? { preview } : {}) });
    } else if (kind === 'multi') {
      if (!q.multiSelect) return fail(`question ${a.questionIndex} is single-select: pick exactly one option`);
      const unknown = selected.find((s) => !labels.includes(s));
      if (unknown !== undefined) return fail(`answer ${a.questionIndex}: "${unknown}" is not one of its options`);
      if (new Set(selected).size !== selected.length) return fail(`answer ${a.questionIndex}: an option is selected twice`);
      if (selected.length === 0 && !freeText) return fail(`answer ${a.questionIndex}: select an option or type an answer`);
      answers.push({ ...base, answer: freeText, selected });
    } else if (kind === 'custom') {
      if (!freeText) return fail(`answer ${a.questionIndex}: the typed answer is empty`);
      answers.push({ ...base, answer: freeText });
    } else {
      answers.push({ ...base, answer: freeText });
    }
  }
  answers.sort((x, y) => x.questionIndex - y.questionIndex);
  return { ok: true, result: { answers, cancelled: cancelled || answers.some((a) => a.kind === 'chat') } };
}

export const DECLINED = 'User declined to answer questions';

/** The text the model reads. */
export function summarize(result: QuestionnaireResult, timeoutMs?: number): string {
  if (result.error === 'timeout') {
    const ms = timeoutMs ?? 0;
    const wait = ms < 120_000 ? `${Math.round(ms / 1000)} seconds` : `${Math.round(ms / 60_000)} minutes`;
    return `The user did not answer within ${wait}; the questions were withdrawn. Continue without the answers, or ask again later.`;
  }
  if (result.answers.some((a) => a.kind === 'chat'))
    return `${DECLINED}: they chose to chat about this instead. Stop here and wait for their message.`;
  if (result.cancelled || result.answers.length === 0) return DECLINED;
  const segments = result.answers.map((a) => {
    const value = a.kind === 'multi' ? [...(a.selected ?? []), ...(a.answer ? [a.answer] : [])].join(', ') : (a.answer ?? '(no input)');
    let s = `"${a.question}"="${value}"`;
    if (a.preview) s += ` selected preview: ${a.preview}`;
    if (a.notes) s += ` user notes: ${a.notes}`;
    return s;
  });
  return `User has answered your questions: ${segments.join('. ')}. You can now continue with the user's answers in mind.`;
}
