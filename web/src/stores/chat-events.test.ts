import { describe, expect, it } from 'vitest';
import { applyStreamEvent, emptyChat, textOf, type ChatState } from './chat-events';

const run = (events: { type: string; [k: string]: unknown }[], from: ChatState = emptyChat()) => events.reduce(applyStreamEvent, from);

describe('applyStreamEvent', () => {
  it('replaces everything on a snapshot', () => {
    const s = run([
      { type: 'message_start', message: { role: 'user', content: 'old' } },
      { type: 'snapshot', messages: [{ role: 'user', content: 'new' }], isStreaming: false, name: 'N' },
    ]);
    expect(s.messages).toEqual([{ role: 'user', content: 'new' }]);
    expect(s.name).toBe('N');
    expect(s.streamingIndex).toBeNull();
  });

  it('streams an assistant message in place and finishes it', () => {
    const partial = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }] });
    const s = run([
      { type: 'snapshot', messages: [{ role: 'user', content: 'hi' }], isStreaming: false },
      { type: 'agent_start' },
      { type: 'message_start', message: partial('') },
      { type: 'message_update', message: partial('Hel') },
      { type: 'message_update', message: partial('Hello') },
    ]);
    expect(s.isStreaming).toBe(true);
    expect(s.messages).toHaveLength(2);
    expect(textOf(s.messages[1]!.content)).toBe('Hello');
    const done = run(
      [
        { type: 'message_end', message: partial('Hello!') },
        { type: 'agent_end', messages: [] },
      ],
      s,
    );
    expect(textOf(done.messages[1]!.content)).toBe('Hello!');
    expect(done.isStreaming).toBe(false);
    expect(done.runsFinished).toBe(1);
  });

  it('tracks a tool run from start through partial output to its result', () => {
    let s = run([{ type: 'tool_execution_start', toolCallId: 't1', toolName: 'bash', args: { command: 'ls' } }]);
    expect(s.toolRuns.t1).toMatchObject({ running: true, toolName: 'bash', args: { command: 'ls' } });
    s = run(
      [
        {
          type: 'tool_execution_update',
          toolCallId: 't1',
          toolName: 'bash',
          args: {},
          partialResult: { content: [{ type: 'text', text: 'a' }] },
        },
      ],
      s,
    );
    expect(textOf(s.toolRuns.t1!.partialResult)).toBe('a');
    s = run(
      [
        {
          type: 'tool_execution_end',
          toolCallId: 't1',
          toolName: 'bash',
          result: { content: [{ type: 'text', text: 'a\nb' }] },
          isError: false,
        },
      ],
      s,
    );
    expect(s.toolRuns.t1).toMatchObject({ running: false, isError: false, args: { command: 'ls' } });
    expect(textOf(s.toolRuns.t1!.result)).toBe('a\nb');
  });

  it('adds tool results from turn_end only when they did not arrive as messages', () => {
    const tr = { role: 'toolResult', toolCallId: 't1', content: [{ type: 'text', text: 'x' }] };
    const s = run([
      { type: 'message_start', message: tr },
      { type: 'message_end', message: tr },
      { type: 'turn_end', toolResults: [tr, { ...tr, toolCallId: 't2' }] },
    ]);
    expect(s.messages.map((m) => m.toolCallId)).toEqual(['t1', 't2']);
  });

  it('shows errors, retries and compaction in a banner, and clears info when the run ends', () => {
    expect(run([{ type: 'agent_end', errorMessage: 'no_api_key: set a key' }]).banner).toEqual({
      kind: 'error',
      text: 'no_api_key: set a key',
    });
    const retrying = run([{ type: 'auto_retry_start', attempt: 1, maxAttempts: 3, delayMs: 2000, errorMessage: 'overloaded' }]);
    expect(retrying.banner).toEqual({ kind: 'info', text: 'Retrying (attempt 1/3) in 2 s: overloaded' });
    expect(run([{ type: 'agent_end' }], retrying).banner).toBeNull();
    expect(run([{ type: 'auto_retry_end', success: false, attempt: 3, finalError: 'overloaded' }]).banner?.kind).toBe('error');
    const failed = run([
      { type: 'message_start', message: { role: 'assistant', content: [] } },
      { type: 'message_end', message: { role: 'assistant', content: [], stopReason: 'error', errorMessage: '401 from provider' } },
    ]);
    expect(failed.banner).toEqual({ kind: 'error', text: '401 from provider' });
  });

  it('keeps the queue, the new name, and ignores unknown events', () => {
    const s = run([
      { type: 'queue_update', steering: ['a'], followUp: ['b'] },
      { type: 'session_renamed', name: 'Fix the build' },
      { type: 'something_new', x: 1 },
    ]);
    expect(s.queue).toEqual({ steering: ['a'], followUp: ['b'] });
    expect(s.name).toBe('Fix the build');
  });
});
