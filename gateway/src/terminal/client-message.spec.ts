import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_INPUT_FRAME_BYTES, parseClientMessage } from './client-message.js';

const frame = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('parseClientMessage', () => {
  it('accepts input and resize as the contract spells them', () => {
    assert.deepEqual(parseClientMessage(frame({ type: 'input', data: 'ls\r' })), { type: 'input', data: 'ls\r' });
    assert.deepEqual(parseClientMessage(frame({ type: 'resize', cols: 120, rows: 40, extra: 1 })), { type: 'resize', cols: 120, rows: 40 });
    assert.deepEqual(parseClientMessage([frame('{"type":"inp'), frame('ut","data":"x"}')]), { type: 'input', data: 'x' });
  });

  it('ignores everything else', () => {
    for (const bad of [
      'not json',
      '',
      'null',
      '42',
      '"input"',
      '[]',
      { type: 'input' },
      { type: 'input', data: 5 },
      { type: 'shout', data: 'x' },
      { type: 'resize', cols: 0, rows: 10 },
      { type: 'resize', cols: 1001, rows: 10 },
      { type: 'resize', cols: 10.5, rows: 10 },
      { type: 'resize', cols: '80', rows: 24 },
      { type: 'resize', cols: 80 },
    ])
      assert.equal(parseClientMessage(frame(bad)), undefined, JSON.stringify(bad));
  });

  it('ignores frames over 1 MiB', () => {
    const big = frame({ type: 'input', data: 'x'.repeat(MAX_INPUT_FRAME_BYTES) });
    assert.equal(parseClientMessage(big), undefined);
    const ok = frame({ type: 'input', data: 'x'.repeat(MAX_INPUT_FRAME_BYTES - 100) });
    assert.equal(parseClientMessage(ok)?.type, 'input');
  });
});
