import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sseFrame } from './session-hub.js';

test('sseFrame writes the id and one data line; flush-critical events get a 2 KB padding comment', () => {
  assert.equal(sseFrame({ id: 'ab12-7', eventJson: '{"type":"agent_start"}' }), 'id: ab12-7\ndata: {"type":"agent_start"}\n\n');
  const renamed = sseFrame({ id: 'ab12-8', eventJson: '{"type":"session_renamed","name":"x"}' });
  assert.ok(renamed.startsWith('id: ab12-8\ndata: {"type":"session_renamed","name":"x"}\n\n: session-renamed '));
  assert.ok(renamed.length > 2048 && renamed.endsWith('\n\n'));
});
