import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ForgeConfig } from '@pi-forge/runtime';
import type { ForgeEvent, ForgeToolContext } from '../forge-tools/forge-tools.js';
import { ForgeTools } from '../forge-tools/forge-tools.js';
import type { LiveSession } from '../sessions/live-session.js';
import { PendingState } from '../streaming/pending-state.js';
import { rejectsWith } from '../testing/forge-error-code.js';
import { AskUserQuestionTools } from './ask-user-question.tools.js';
import { PendingQuestions } from './pending-questions.js';
import type { Question } from './questionnaire.js';

const QUESTIONS: Question[] = [
  {
    question: 'Which database?',
    header: 'Database',
    multiSelect: false,
    options: [
      { label: 'Postgres', description: 'server' },
      { label: 'SQLite', description: 'file' },
    ],
  },
];

function setup(timeoutMs = 60_000) {
  const registry = new PendingQuestions({ ASK_USER_QUESTION_TIMEOUT_MS: timeoutMs } as ForgeConfig);
  const events: ForgeEvent[] = [];
  const counts: number[] = [];
  const options = (signal?: AbortSignal) => ({
    emit: (e: ForgeEvent) => events.push(e),
    signal,
    onCountChange: (n: number) => counts.push(n),
  });
  return { registry, events, counts, options };
}

const requestIdOf = (events: ForgeEvent[]) => events.find((e) => e.type === 'ask_user_question')!.requestId as string;

describe('PendingQuestions', () => {
  it('announces a request, lists it, and resolves it with the checked answer', async () => {
    const { registry, events, counts, options } = setup();
    const waiting = registry.ask('s1', QUESTIONS, options());
    const requestId = requestIdOf(events);
    assert.deepEqual(events[0], { type: 'ask_user_question', sessionId: 's1', requestId, questions: QUESTIONS });
    assert.deepEqual(registry.list('s1'), [{ requestId, questions: QUESTIONS }]);
    assert.deepEqual(registry.list('s2'), []);
    registry.answer('s1', requestId, false, [{ questionIndex: 0, kind: 'option', answer: 'SQLite' }]);
    const result = await waiting;
    assert.deepEqual(result, {
      cancelled: false,
      answers: [{ questionIndex: 0, question: 'Which database?', kind: 'option', answer: 'SQLite' }],
    });
    assert.deepEqual(events[1], { type: 'ask_user_question_cancelled', sessionId: 's1', requestId, reason: 'answered' });
    assert.deepEqual(counts, [1, 0]);
    assert.deepEqual(registry.list('s1'), []);
  });

  it('a bad answer changes nothing; an unknown id or another session is request_not_found', async () => {
    const { registry, events, options } = setup();
    const waiting = registry.ask('s1', QUESTIONS, options());
    const requestId = requestIdOf(events);
    await rejectsWith(
      () => registry.answer('s1', requestId, false, [{ questionIndex: 0, kind: 'option', answer: 'MySQL' }]),
      'invalid_answer',
    );
    await rejectsWith(
      () => registry.answer('s2', requestId, false, [{ questionIndex: 0, kind: 'option', answer: 'SQLite' }]),
      'request_not_found',
    );
    await rejectsWith(() => registry.answer('s1', 'nope', true, []), 'request_not_found');
    assert.equal(registry.count('s1'), 1);
    assert.equal(events.length, 1, 'no cancelled event for rejected answers');
    registry.answer('s1', requestId, true, []);
    assert.deepEqual(await waiting, { answers: [], cancelled: true });
    await rejectsWith(() => registry.answer('s1', requestId, true, []), 'request_not_found');
  });

  it('an aborted run rejects the wait and tells the stream (reason aborted)', async () => {
    const { registry, events, options } = setup();
    const abort = new AbortController();
    const waiting = registry.ask('s1', QUESTIONS, options(abort.signal));
    abort.abort();
    await assert.rejects(waiting, /aborted/);
    assert.equal(events[1]!.reason, 'aborted');
    assert.equal(registry.count('s1'), 0);
    await assert.rejects(registry.ask('s1', QUESTIONS, options(abort.signal)), /aborted/, 'an already aborted run is not asked');
    assert.equal(events.length, 2);
  });

  it('times out into a cancelled result (reason timeout)', async () => {
    const { registry, events, options } = setup(20);
    const result = await registry.ask('s1', QUESTIONS, options());
    assert.deepEqual(result, { answers: [], cancelled: true, error: 'timeout' });
    assert.equal(events[1]!.reason, 'timeout');
  });

  it('dropping a session ends only its requests', async () => {
    const { registry, events, options } = setup();
    const a = registry.ask('s1', QUESTIONS, options());
    const b = registry.ask('s2', QUESTIONS, options());
    registry.dropSession('s1');
    await assert.rejects(a, /closed/);
    assert.equal(registry.count('s2'), 1);
    registry.answer('s2', registry.list('s2')[0]!.requestId, true, []);
    await b;
    assert.equal(events.filter((e) => e.type === 'ask_user_question_cancelled').length, 2);
  });
});

describe('AskUserQuestionTools', () => {
  function tools() {
    const forgeTools = new ForgeTools();
    const pendingState = new PendingState();
    const registry = new PendingQuestions({ ASK_USER_QUESTION_TIMEOUT_MS: 60_000 } as ForgeConfig);
    const family = new AskUserQuestionTools(forgeTools, pendingState, registry);
    family.onModuleInit();
    const live = { id: 's1', pendingQuestions: 0 } as LiveSession;
    const events: ForgeEvent[] = [];
    const ctx: ForgeToolContext = { sessionId: 's1', projectId: 'p', cwd: '/tmp', emit: (e) => events.push(e), live: () => live };
    return { forgeTools, pendingState, registry, family, live, events, ctx };
  }

  it('registers the tool and the re-delivery source; a valid call waits, counts and summarizes', async () => {
    const { forgeTools, pendingState, registry, family, live, ctx } = tools();
    assert.deepEqual(forgeTools.names, ['ask_user_question']);
    const [tool] = await forgeTools.toolsFor(ctx);
    assert.equal(tool!.name, 'ask_user_question');
    assert.equal(forgeTools.holdsSession('s1'), false);
    const running = family.execute(ctx, { questions: QUESTIONS }, undefined);
    assert.equal(live.pendingQuestions, 1);
    assert.equal(forgeTools.holdsSession('s1'), true, 'a waiting session is not evicted');
    const redelivered = pendingState.eventsFor(live) as ForgeEvent[];
    assert.equal(redelivered.length, 1);
    assert.equal(redelivered[0]!.type, 'ask_user_question');
    registry.answer('s1', redelivered[0]!.requestId as string, false, [{ questionIndex: 0, kind: 'custom', answer: 'DuckDB' }]);
    const result = await running;
    assert.equal(live.pendingQuestions, 0);
    assert.match(result.content[0]!.text, /"Which database\?"="DuckDB"/);
    assert.equal(result.details.answers[0]!.kind, 'custom');
  });

  it('a bad call is an error envelope with the code, and nothing is asked', async () => {
    const { family, events, ctx } = tools();
    const result = await family.execute(ctx, { questions: [] }, undefined);
    assert.deepEqual(result.details, { answers: [], cancelled: true, error: 'no_questions' });
    assert.match(result.content[0]!.text, /no_questions/);
    assert.equal(events.length, 0);
  });

  it('disposeSession drops the pending requests', async () => {
    const { family, registry, ctx } = tools();
    const running = family.execute(ctx, { questions: QUESTIONS }, undefined);
    family.disposeSession('s1');
    await assert.rejects(running, /closed/);
    assert.equal(registry.count('s1'), 0);
  });
});
