import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineRing } from './line-ring.js';

describe('LineRing', () => {
  it('splits chunks into lines, keeps the unfinished one as the newest, and drops \\r', () => {
    const ring = new LineRing();
    assert.deepEqual(ring.push('a\r\nb'), ['a']);
    assert.deepEqual(ring.tail(10), ['a', 'b']);
    assert.deepEqual(ring.push('c\nd\n'), ['bc', 'd']);
    assert.deepEqual(ring.tail(10), ['a', 'bc', 'd']);
    assert.deepEqual(ring.tail(2), ['bc', 'd']);
  });

  it('keeps only the last lines by count', () => {
    const ring = new LineRing(1000, 1 << 20);
    for (let i = 0; i < 1500; i++) ring.push(`line ${i}\n`);
    assert.equal(ring.size, 1000);
    assert.equal(ring.tail(1)[0], 'line 1499');
    assert.equal(ring.tail(5000)[0], 'line 500');
  });

  it('keeps only the last lines by bytes', () => {
    const ring = new LineRing(1000, 64 * 1024);
    const line = 'x'.repeat(1023);
    for (let i = 0; i < 200; i++) ring.push(`${line}\n`);
    assert.equal(ring.size, 64);
    ring.push(`${'y'.repeat(200_000)}\n`);
    // One line bigger than the budget keeps only its end, and alone.
    assert.equal(ring.size, 1);
    assert.equal(ring.tail(1)[0]!.length, 64 * 1024);
  });

  it('does not split a multi-byte character across chunks', () => {
    const ring = new LineRing();
    const bytes = Buffer.from('é\n');
    ring.push(bytes.subarray(0, 1));
    ring.push(bytes.subarray(1));
    assert.deepEqual(ring.tail(1), ['é']);
  });
});
