// ask_user_question end to end: the fake model calls the tool, the run waits for the user, the
// question shows on the stream, in /pending and in the session list, and the answer (through the
// docs' curl examples) reaches the model as the tool result. Bad answers change nothing; abort,
// timeout, reconnects and a gateway restart each end or keep the request as the contract says.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ASK_DATABASE_QUESTIONS,
  askUserQuestionScript,
  configureFakeLlm,
  lastToolResultText,
  makeStackDirs,
  runDocExample,
  seedProject,
  startFakeLlm,
  startStack,
  waitFor,
  type FakeLlm,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';
import { openStream, type SseClient, type SseEvent } from './sse-client.js';

const API_KEY = 'test-key-ask-user-question-0123456789';
const isAsk = (e: SseEvent) => e.type === 'ask_user_question';
const isCancelled = (reason: string) => (e: SseEvent) => e.type === 'ask_user_question_cancelled' && e.data.reason === reason;

interface Harness {
  stack: Stack;
  llm: FakeLlm;
  project: SeededProject;
  clients: SseClient[];
}

async function boot(name: string, env: Record<string, string> = {}): Promise<Harness> {
  const llm = await startFakeLlm();
  const dirs = makeStackDirs();
  configureFakeLlm(dirs.piConfig, llm);
  const project = seedProject(dirs, name);
  const stack = await startStack({ name, dirs, env: { API_KEY, ...env } });
  return { stack, llm, project, clients: [] };
}

async function shutdown(h: Harness | undefined): Promise<void> {
  for (const c of h?.clients ?? []) c.close();
  await h?.stack.dispose();
  await h?.llm.close();
}

/** A session whose run is waiting on the script's questions, with its stream. */
async function asking(h: Harness, questions: unknown[] = ASK_DATABASE_QUESTIONS) {
  h.llm.reset();
  h.llm.enqueue(...askUserQuestionScript(questions));
  const created = await h.stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: h.project.id } });
  assert.equal(created.status, 201);
  const sessionId = ((await created.json()) as { sessionId: string }).sessionId;
  const stream = await openStream(h.stack.baseUrl, sessionId, API_KEY);
  h.clients.push(stream);
  assert.equal(stream.status, 200);
  const prompted = await h.stack.api(`/api/v1/sessions/${sessionId}/prompt`, { method: 'POST', json: { text: 'Set up the service' } });
  assert.equal(prompted.status, 202);
  const ask = await stream.waitFor(isAsk, 'ask_user_question', 60_000);
  return { sessionId, stream, requestId: ask.data.requestId as string, ask };
}

const pendingOf = async (h: Harness, sessionId: string) => {
  const res = await h.stack.api(`/api/v1/sessions/${sessionId}/ask-user-question/pending`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { pending: { requestId: string; questions: unknown[] }[] }).pending;
};
const answer = (h: Harness, sessionId: string, body: unknown) =>
  h.stack.api(`/api/v1/sessions/${sessionId}/ask-user-question/answer`, { method: 'POST', json: body });
const docEnv = (h: Harness, sessionId: string, requestId: string) => ({
  PI_FORGE_URL: h.stack.baseUrl,
  PI_FORGE_API_KEY: API_KEY,
  PI_FORGE_SESSION_ID: sessionId,
  PI_FORGE_REQUEST_ID: requestId,
});

describe('ask_user_question', () => {
  let h: Harness;
  before(async () => (h = await boot('ask-user-question')));
  after(() => shutdown(h));

  it('asks on the stream and in /pending, refuses bad answers, and the answer reaches the model', async () => {
    const { sessionId, stream, requestId, ask } = await asking(h);
    assert.equal(ask.data.sessionId, sessionId);
    const questions = ask.data.questions as { question: string; multiSelect: boolean; options: { preview?: string }[] }[];
    assert.equal(questions.length, 2);
    assert.equal(questions[0]!.multiSelect, false);
    assert.equal(questions[1]!.multiSelect, true);
    assert.match(questions[0]!.options[0]!.preview ?? '', /CREATE TABLE/);

    const doc = await runDocExample('ask-user-question/pending', docEnv(h, sessionId, requestId));
    assert.equal(doc.code, 0, doc.stderr);
    assert.deepEqual(JSON.parse(doc.stdout), { pending: [{ requestId, questions }] });

    const listed = (await (await h.stack.api(`/api/v1/sessions?projectId=${h.project.id}`)).json()) as {
      sessions: { sessionId: string; pendingQuestions: number }[];
    };
    assert.equal(listed.sessions.find((s) => s.sessionId === sessionId)?.pendingQuestions, 1, 'the session list marks it');
    const one = (await (await h.stack.api(`/api/v1/sessions/${sessionId}`)).json()) as { pendingQuestions: number };
    assert.equal(one.pendingQuestions, 1);

    const bad: [unknown, number, string][] = [
      [{ requestId, answers: [{ questionIndex: 2, kind: 'custom', answer: 'x' }] }, 400, 'invalid_answer'],
      [{ requestId, answers: [{ questionIndex: 0, kind: 'option', answer: 'MySQL' }] }, 400, 'invalid_answer'],
      [{ requestId, answers: [{ questionIndex: 0, kind: 'multi', selected: ['Postgres', 'SQLite'] }] }, 400, 'invalid_answer'],
      [
        { requestId, answers: [{ questionIndex: 0, kind: 'option', answer: 'Postgres', selected: ['Postgres', 'SQLite'] }] },
        400,
        'invalid_answer',
      ],
      [{ requestId, answers: [{ questionIndex: 1, kind: 'multi', selected: ['Metrics', 'Coffee'] }] }, 400, 'invalid_answer'],
      [{ requestId, answers: [] }, 400, 'invalid_answer'],
      [{ requestId, answers: [{ questionIndex: 0, kind: 'maybe', answer: 'Postgres' }] }, 400, 'validation_failed'],
      [{ requestId, answers: [{ questionIndex: 'first', kind: 'option', answer: 'Postgres' }] }, 400, 'validation_failed'],
      [{ answers: [{ questionIndex: 0, kind: 'option', answer: 'Postgres' }] }, 400, 'validation_failed'],
      [{ requestId: 'not-a-request', cancelled: true }, 404, 'request_not_found'],
    ];
    for (const [body, status, code] of bad) {
      const res = await answer(h, sessionId, body);
      const err = (await res.json()) as { error: string; message: string };
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(err.error, code, JSON.stringify(body));
      assert.ok(err.message, 'a message says why');
    }
    const unknownSession = await answer(h, '00000000-0000-4000-8000-000000000000', { requestId, cancelled: true });
    assert.equal(unknownSession.status, 404);
    assert.equal(((await unknownSession.json()) as { error: string }).error, 'session_not_found');

    assert.deepEqual(
      (await pendingOf(h, sessionId)).map((p) => p.requestId),
      [requestId],
      'still pending after the bad answers',
    );
    assert.equal(stream.events.filter((e) => e.type === 'ask_user_question_cancelled').length, 0);
    assert.equal(h.llm.requests.length, 1, 'the run is still waiting');

    const answered = await runDocExample('ask-user-question/answer', docEnv(h, sessionId, requestId));
    assert.equal(answered.code, 0, answered.stderr);
    assert.equal(answered.stdout.trim(), '204');
    await stream.waitFor(isCancelled('answered'), 'cancelled (answered)');
    const end = await stream.waitFor((e) => e.type === 'tool_execution_end', 'tool_execution_end');
    assert.equal(end.data.isError, false);
    const details = (end.data.result as { details: { cancelled: boolean; answers: { kind: string; selected?: string[] }[] } }).details;
    assert.equal(details.cancelled, false);
    assert.deepEqual(
      details.answers.map((a) => a.kind),
      ['option', 'multi'],
    );
    await stream.waitFor((e) => e.type === 'agent_end', 'agent_end', 60_000);

    await h.llm.waitForRequests(2);
    const toolResult = lastToolResultText(h.llm.requests[1]!);
    assert.match(toolResult, /"Which database should the service use\?"="Postgres"/);
    assert.match(toolResult, /selected preview: ## Postgres/);
    assert.match(toolResult, /"Which extras do you want\?"="Metrics, Tracing" user notes: tracing can wait/);
    assert.deepEqual(await pendingOf(h, sessionId), []);
    const after = (await (await h.stack.api(`/api/v1/sessions/${sessionId}`)).json()) as { pendingQuestions: number };
    assert.equal(after.pendingQuestions, 0);
  });

  it('a request id of another session is request_not_found there, and stays pending in its own', async () => {
    const first = await asking(h);
    const other = await h.stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: h.project.id } });
    const otherId = ((await other.json()) as { sessionId: string }).sessionId;
    const res = await answer(h, otherId, { requestId: first.requestId, cancelled: true });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: string }).error, 'request_not_found');
    assert.equal((await pendingOf(h, first.sessionId)).length, 1);
    assert.equal((await answer(h, first.sessionId, { requestId: first.requestId, cancelled: true })).status, 204);
    await first.stream.waitFor((e) => e.type === 'agent_end', 'agent_end', 60_000);
  });

  it('abort cancels the request (reason aborted) and the tool call fails', async () => {
    const { sessionId, stream } = await asking(h);
    assert.equal((await h.stack.api(`/api/v1/sessions/${sessionId}/abort`, { method: 'POST' })).status, 204);
    await stream.waitFor(isCancelled('aborted'), 'cancelled (aborted)');
    const end = await stream.waitFor((e) => e.type === 'tool_execution_end', 'tool_execution_end');
    assert.equal(end.data.isError, true);
    await stream.waitFor((e) => e.type === 'agent_end', 'agent_end');
    assert.deepEqual(await pendingOf(h, sessionId), []);
  });

  it('a new stream gets the open request again right after its snapshot; Chat about this declines it', async () => {
    const { sessionId, requestId, ask } = await asking(h);
    const second = await openStream(h.stack.baseUrl, sessionId, API_KEY);
    h.clients.push(second);
    await second.waitFor(isAsk, 'the re-delivered question');
    assert.deepEqual(second.types().slice(0, 2), ['snapshot', 'ask_user_question']);
    assert.deepEqual(second.events[1]!.data, ask.data);

    assert.equal((await answer(h, sessionId, { requestId, answers: [{ questionIndex: 0, kind: 'chat', answer: null }] })).status, 204);
    await second.waitFor(isCancelled('answered'), 'the other tab hears it was answered');
    await second.waitFor((e) => e.type === 'agent_end', 'agent_end', 60_000);
    assert.match(lastToolResultText(h.llm.requests[1]!), /chat about this/);
    const third = await openStream(h.stack.baseUrl, sessionId, API_KEY);
    h.clients.push(third);
    await third.waitFor((e) => e.type === 'snapshot', 'snapshot');
    assert.ok(!third.events.some(isAsk), 'an answered question is not re-delivered');
  });

  it('survives a gateway restart: still pending, re-delivered, and the answer still resumes the run', async () => {
    const { sessionId, stream, requestId } = await asking(h);
    await h.stack.kill9('gateway');
    await stream.waitEnded('gateway killed');
    await waitFor(
      'the gateway back',
      async () => {
        try {
          return (await h.stack.health()).status === 'ok';
        } catch {
          return false;
        }
      },
      60_000,
    );
    assert.deepEqual(
      (await pendingOf(h, sessionId)).map((p) => p.requestId),
      [requestId],
    );
    const again = await openStream(h.stack.baseUrl, sessionId, API_KEY);
    h.clients.push(again);
    const redelivered = await again.waitFor(isAsk, 'the question after the restart');
    assert.equal(redelivered.data.requestId, requestId);
    const declined = await runDocExample('ask-user-question/decline', docEnv(h, sessionId, requestId));
    assert.equal(declined.stdout.trim(), '204', declined.stderr);
    await again.waitFor((e) => e.type === 'agent_end', 'agent_end', 60_000);
    assert.equal(lastToolResultText(h.llm.requests[1]!), 'User declined to answer questions');
  });
});

describe('ask_user_question timeout', () => {
  let h: Harness;
  before(async () => (h = await boot('ask-user-question-timeout', { ASK_USER_QUESTION_TIMEOUT_MS: '3000' })));
  after(() => shutdown(h));

  it('an unanswered request ends after ASK_USER_QUESTION_TIMEOUT_MS (reason timeout) and the run goes on', async () => {
    const { sessionId, stream, requestId } = await asking(h);
    const cancelled = await stream.waitFor(isCancelled('timeout'), 'cancelled (timeout)', 60_000);
    assert.equal(cancelled.data.requestId, requestId);
    const end = await stream.waitFor((e) => e.type === 'tool_execution_end', 'tool_execution_end');
    assert.deepEqual((end.data.result as { details: unknown }).details, { answers: [], cancelled: true, error: 'timeout' });
    await stream.waitFor((e) => e.type === 'agent_end', 'agent_end', 60_000);
    assert.match(lastToolResultText(h.llm.requests[1]!), /did not answer within 3 seconds/);
    const late = await answer(h, sessionId, { requestId, cancelled: true });
    assert.equal(late.status, 404, 'too late: the request is gone');
  });

  it('a bad call is a tool error with the contract code, and nothing is asked', async () => {
    const { stack, llm, project } = h;
    llm.reset();
    llm.enqueue(
      ...askUserQuestionScript([
        {
          question: 'Pick?',
          header: 'Pick',
          options: [
            { label: 'Other', description: 'x' },
            { label: 'B', description: 'y' },
          ],
        },
      ]),
    );
    const created = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } });
    const sessionId = ((await created.json()) as { sessionId: string }).sessionId;
    const stream = await openStream(stack.baseUrl, sessionId, API_KEY);
    h.clients.push(stream);
    assert.equal((await stack.api(`/api/v1/sessions/${sessionId}/prompt`, { method: 'POST', json: { text: 'go' } })).status, 202);
    const end = await stream.waitFor((e) => e.type === 'tool_execution_end', 'tool_execution_end', 60_000);
    assert.equal((end.data.result as { details: { error: string } }).details.error, 'reserved_label');
    await stream.waitFor((e) => e.type === 'agent_end', 'agent_end', 60_000);
    assert.ok(!stream.events.some(isAsk));
    assert.match(lastToolResultText(llm.requests[1]!), /reserved_label/);
  });
});
