import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newMemory, webhookEventsOf } from './webhook-event-data.js';

const usage = { input: 10, output: 5, cacheRead: 0, cacheWrite: 0, totalTokens: 15, cost: { total: 0 } };

describe('webhookEventsOf', () => {
  it('maps the lifecycle events', () => {
    const m = newMemory();
    assert.deepEqual(webhookEventsOf({ type: 'session_created', workspacePath: '/w/p' }, m), [
      { event: 'session_created', data: { workspacePath: '/w/p' } },
    ]);
    assert.deepEqual(webhookEventsOf({ type: 'session_deleted', wasLive: true }, m), [
      { event: 'session_deleted', data: { wasLive: true } },
    ]);
  });

  it('agent_end carries the last assistant message, nulls when unknown', () => {
    const messages = [
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Hel' }, { type: 'toolCall' }, { type: 'text', text: 'lo' }],
        stopReason: 'stop',
        usage,
        provider: 'fake',
        model: 'fake-model',
      },
    ];
    assert.deepEqual(webhookEventsOf({ type: 'agent_end', messages }, newMemory()), [
      {
        event: 'agent_end',
        data: { stopReason: 'stop', errorMessage: null, assistantText: 'Hello', usage, provider: 'fake', model: 'fake-model' },
      },
    ]);
    const failed = webhookEventsOf(
      { type: 'agent_end', messages: [{ role: 'assistant', content: [], stopReason: 'error', errorMessage: '500 boom' }] },
      newMemory(),
    );
    assert.equal(failed[0]!.data.errorMessage, '500 boom');
    assert.deepEqual(webhookEventsOf({ type: 'agent_end', messages: [], errorMessage: 'no model' }, newMemory())[0]!.data, {
      stopReason: null,
      errorMessage: 'no model',
      assistantText: null,
      usage: null,
      provider: null,
      model: null,
    });
  });

  it('auto_retry_end only when it failed, with maxAttempts from the retry start', () => {
    const m = newMemory();
    assert.deepEqual(webhookEventsOf({ type: 'auto_retry_start', attempt: 1, maxAttempts: 3, delayMs: 10, errorMessage: 'x' }, m), []);
    assert.deepEqual(webhookEventsOf({ type: 'auto_retry_end', success: true, attempt: 2 }, m), []);
    assert.deepEqual(webhookEventsOf({ type: 'auto_retry_end', success: false, attempt: 3, finalError: 'overloaded' }, m), [
      { event: 'auto_retry_end', data: { attempt: 3, maxAttempts: 3, finalError: 'overloaded' } },
    ]);
  });

  it('compaction_end only when not aborted', () => {
    const m = newMemory();
    assert.deepEqual(webhookEventsOf({ type: 'compaction_end', reason: 'manual', aborted: true, result: undefined }, m), []);
    assert.deepEqual(
      webhookEventsOf({ type: 'compaction_end', reason: 'threshold', aborted: false, result: { tokensBefore: 12345, summary: 's' } }, m),
      [{ event: 'compaction_end', data: { reason: 'threshold', tokensBefore: 12345 } }],
    );
  });

  it('ask_user_question as the tool emits it (SSE shape), once per requestId', () => {
    const m = newMemory();
    const event = {
      type: 'ask_user_question',
      sessionId: 's1',
      requestId: 'r1',
      questions: [
        {
          header: 'Stack',
          question: 'Which database?',
          multiSelect: false,
          options: [
            { label: 'Postgres', description: 'Relational', preview: '```sql```' },
            { label: 'SQLite', description: 'Embedded' },
          ],
        },
      ],
    };
    assert.deepEqual(webhookEventsOf(event, m), [
      {
        event: 'ask_user_question',
        data: {
          requestId: 'r1',
          questions: [
            {
              header: 'Stack',
              question: 'Which database?',
              multiSelect: false,
              options: [
                { label: 'Postgres', description: 'Relational' },
                { label: 'SQLite', description: 'Embedded' },
              ],
            },
          ],
        },
      },
    ]);
    assert.deepEqual(webhookEventsOf(event, m), [], 'a re-delivery of the same request is not a new question');
  });

  it('process_alert from process_update when a process ends with its alert flag set, once per process', () => {
    const m = newMemory();
    const base = {
      pid: 4242,
      command: 'npm test',
      cwd: '/w/p',
      startTime: 1000,
      stdoutFile: 'o',
      stderrFile: 'e',
      alertOnSuccess: false,
      alertOnFailure: true,
      alertOnKill: false,
    };
    const running = { ...base, id: 'aaaa0001', name: 'tests', status: 'running', endTime: null, exitCode: null, success: null };
    assert.deepEqual(webhookEventsOf({ type: 'process_update', processes: [running] }, m), []);
    const failed = { ...running, status: 'exited', endTime: 2000, exitCode: 1, success: false };
    const quietOk = { ...base, id: 'aaaa0002', name: 'build', status: 'exited', endTime: 2000, exitCode: 0, success: true };
    const loudOk = { ...quietOk, id: 'aaaa0003', alertOnSuccess: true };
    const killed = {
      ...base,
      id: 'aaaa0004',
      name: 'server',
      status: 'killed',
      endTime: 3000,
      exitCode: null,
      success: false,
      alertOnKill: true,
    };
    const out = webhookEventsOf({ type: 'process_update', processes: [failed, quietOk, loudOk, killed] }, m);
    assert.deepEqual(out, [
      {
        event: 'process_alert',
        data: {
          reason: 'failure',
          processId: 'aaaa0001',
          name: 'tests',
          pid: 4242,
          command: 'npm test',
          cwd: '/w/p',
          startTime: 1000,
          endTime: 2000,
          exitCode: 1,
          success: false,
        },
      },
      {
        event: 'process_alert',
        data: {
          reason: 'success',
          processId: 'aaaa0003',
          name: 'build',
          pid: 4242,
          command: 'npm test',
          cwd: '/w/p',
          startTime: 1000,
          endTime: 2000,
          exitCode: 0,
          success: true,
        },
      },
      {
        event: 'process_alert',
        data: {
          reason: 'killed',
          processId: 'aaaa0004',
          name: 'server',
          pid: 4242,
          command: 'npm test',
          cwd: '/w/p',
          startTime: 1000,
          endTime: 3000,
          exitCode: null,
          success: false,
        },
      },
    ]);
    assert.deepEqual(
      webhookEventsOf({ type: 'process_update', processes: [failed, loudOk, killed] }, m),
      [],
      'the next full list repeats them',
    );
  });

  it('ignores every other event', () => {
    for (const type of ['message_update', 'turn_end', 'todo_update', 'agent_start', 'session_renamed'])
      assert.deepEqual(webhookEventsOf({ type }, newMemory()), []);
  });
});
