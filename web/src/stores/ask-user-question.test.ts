import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { AskQuestion } from '../services/api-types';
import { OTHER, answersOf, applyAskEvent, emptyDraft } from './ask-user-question-drafts';
import { useAskUserQuestionStore } from './ask-user-question';
import { useSessionsStore } from './sessions';

const single: AskQuestion = {
  question: 'Which database?',
  header: 'Database',
  multiSelect: false,
  options: [
    { label: 'Postgres', description: 'server' },
    { label: 'SQLite', description: 'file' },
  ],
};
const multi: AskQuestion = { ...single, question: 'Which extras?', header: 'Extras', multiSelect: true };
const ask = (requestId: string) => ({ type: 'ask_user_question', sessionId: 's1', requestId, questions: [single] });

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => vi.unstubAllGlobals());

describe('applyAskEvent', () => {
  it('adds asked requests once, drops cancelled ones, and a snapshot starts over (the server re-delivers)', () => {
    let list = applyAskEvent([], ask('r1'));
    list = applyAskEvent(list, ask('r1'));
    list = applyAskEvent(list, ask('r2'));
    expect(list.map((r) => r.requestId)).toEqual(['r1', 'r2']);
    list = applyAskEvent(list, { type: 'ask_user_question_cancelled', requestId: 'r1', reason: 'answered' });
    expect(list.map((r) => r.requestId)).toEqual(['r2']);
    expect(applyAskEvent(list, { type: 'snapshot', messages: [] })).toEqual([]);
  });
});

describe('answersOf', () => {
  it('turns picks into option, custom and multi answers, and skips questions left open', () => {
    const answers = answersOf(
      [single, single, multi, multi],
      [
        { ...emptyDraft(), choice: 'SQLite', notes: ' keep it small ' },
        { ...emptyDraft(), choice: OTHER, other: 'DuckDB' },
        { ...emptyDraft(), selected: ['Postgres', OTHER], other: 'Redis' },
        emptyDraft(),
      ],
    );
    expect(answers).toEqual([
      { questionIndex: 0, question: 'Which database?', kind: 'option', answer: 'SQLite', notes: 'keep it small' },
      { questionIndex: 1, question: 'Which database?', kind: 'custom', answer: 'DuckDB' },
      { questionIndex: 2, question: 'Which extras?', kind: 'multi', selected: ['Postgres'], answer: 'Redis' },
    ]);
    expect(answersOf([single], [{ ...emptyDraft(), choice: OTHER, other: '  ' }])).toEqual([]);
  });
});

describe('ask-user-question store', () => {
  it('follows the stream, marks the session in the list, and answering posts then clears', async () => {
    const sessions = useSessionsStore();
    sessions.byProject = { p: [{ sessionId: 's1', projectId: 'p', isLive: true, lastActivityAt: '', createdAt: '', messageCount: 0 }] };
    const asks = useAskUserQuestionStore();
    asks.apply('s1', ask('r1'));
    expect(asks.current('s1')?.requestId).toBe('r1');
    expect(sessions.all[0]!.pendingQuestions).toBe(1);
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetch);
    await asks.answer('s1', 'r1', [{ questionIndex: 0, question: 'Which database?', kind: 'option', answer: 'SQLite' }]);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/sessions/s1/ask-user-question/answer');
    expect(JSON.parse(init.body as string)).toEqual({
      requestId: 'r1',
      answers: [{ questionIndex: 0, question: 'Which database?', kind: 'option', answer: 'SQLite' }],
    });
    expect(asks.current('s1')).toBeUndefined();
    expect(sessions.all[0]!.pendingQuestions).toBe(0);
  });

  it('a refused answer keeps the request open', async () => {
    const asks = useAskUserQuestionStore();
    asks.apply('s1', ask('r1'));
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ error: 'invalid_answer', message: 'no' }), { status: 400 })),
    );
    await expect(asks.answer('s1', 'r1', [])).rejects.toMatchObject({ code: 'invalid_answer' });
    expect(asks.current('s1')?.requestId).toBe('r1');
  });
});
