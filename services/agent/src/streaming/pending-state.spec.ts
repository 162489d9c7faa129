import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveSession } from '../sessions/live-session.js';
import { PendingState } from './pending-state.js';

const live = { id: 's1' } as LiveSession;

describe('PendingState', () => {
  it("gives every source's events in registration order; re-registering a name replaces it in place", () => {
    const pending = new PendingState();
    pending.register('ask_user_question', (l) => [{ type: 'ask_user_question', sessionId: l.id, requestId: 'r1', questions: [] }]);
    pending.register('todo', (l) => [{ type: 'todo_update', sessionId: l.id, tasks: [], nextId: 1 }]);
    pending.register('process', (l) => [{ type: 'process_update', sessionId: l.id, processes: [] }]);
    pending.register('todo', (l) => [{ type: 'todo_update', sessionId: l.id, tasks: [{ id: 1 }], nextId: 2 }]);
    assert.deepEqual(
      pending.eventsFor(live).map((e) => (e as { type: string }).type),
      ['ask_user_question', 'todo_update', 'process_update'],
    );
    assert.deepEqual((pending.eventsFor(live)[1] as { tasks: unknown[] }).tasks, [{ id: 1 }]);
  });

  it('a failing source is reported and skipped; the others still go out', () => {
    const pending = new PendingState();
    const failed: string[] = [];
    pending.register('broken', () => {
      throw new Error('no');
    });
    pending.register('todo', () => [{ type: 'todo_update' }]);
    assert.deepEqual(
      pending.eventsFor(live, (name) => failed.push(name)),
      [{ type: 'todo_update' }],
    );
    assert.deepEqual(failed, ['broken']);
  });

  it('nothing registered: nothing re-delivered', () => {
    assert.deepEqual(new PendingState().eventsFor(live), []);
  });
});
