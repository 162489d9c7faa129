import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayBuffer } from './replay-buffer.js';

describe('ReplayBuffer', () => {
  it('keeps everything while under capacity', () => {
    const b = new ReplayBuffer(8);
    assert.equal(b.snapshot().length, 0);
    b.append(Buffer.from('abc'));
    b.append(Buffer.from('de'));
    assert.equal(b.snapshot().toString(), 'abcde');
    assert.equal(b.size, 5);
  });

  it('keeps only the newest bytes, in order, across wraps', () => {
    const b = new ReplayBuffer(8);
    let all = '';
    for (const piece of ['abc', 'defgh', 'ij', 'klmnopq', 'r', 'stuvw']) {
      b.append(Buffer.from(piece));
      all += piece;
      assert.equal(b.snapshot().toString(), all.slice(-8), `after ${piece}`);
    }
    assert.equal(b.size, 8);
  });

  it('handles a chunk exactly at and larger than capacity', () => {
    const b = new ReplayBuffer(4);
    b.append(Buffer.from('wxyz'));
    assert.equal(b.snapshot().toString(), 'wxyz');
    b.append(Buffer.from('0123456789'));
    assert.equal(b.snapshot().toString(), '6789');
    b.append(Buffer.from('a'));
    assert.equal(b.snapshot().toString(), '789a');
  });

  it('returns a copy, not a view that later output overwrites', () => {
    const b = new ReplayBuffer(4);
    b.append(Buffer.from('abcd'));
    const snap = b.snapshot();
    b.append(Buffer.from('zz'));
    assert.equal(snap.toString(), 'abcd');
  });
});
