import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LogWatcher, logWatchProblem, MATCH_LINE_CHARS } from './log-watches.js';

describe('log watches', () => {
  it('accepts ordinary patterns', () => {
    assert.equal(logWatchProblem(undefined), undefined);
    assert.equal(
      logWatchProblem([{ pattern: 'tick \\d+' }, { pattern: 'listening on (port )?\\d+', stream: 'stdout', repeat: true }]),
      undefined,
    );
    assert.equal(logWatchProblem([{ pattern: '(?:error|warn):' }]), undefined);
  });

  it('refuses invalid, oversized and catastrophic patterns', () => {
    assert.match(logWatchProblem('x')!, /must be an array/);
    assert.match(logWatchProblem([{ pattern: '' }])!, /non-empty/);
    assert.match(logWatchProblem([{ pattern: '(unclosed' }])!, /not a valid regular expression/);
    assert.match(logWatchProblem([{ pattern: 'a'.repeat(300) }])!, /longer than/);
    assert.match(logWatchProblem([{ pattern: 'x', stream: 'stdin' }])!, /stream must be/);
    for (const evil of ['(a+)+$', '(.*)*x', '(a|aa)+b', '(\\w+\\s?){2,}$', '(x)\\1'])
      assert.match(logWatchProblem([{ pattern: evil }])!, /exponential/, evil);
    assert.match(logWatchProblem(Array.from({ length: 11 }, () => ({ pattern: 'x' })))!, /at most/);
  });

  it('fires once unless repeat, and only on the watched stream', () => {
    const w = new LogWatcher([{ pattern: 'ready' }, { pattern: 'tick', repeat: true, stream: 'stderr' }]);
    assert.equal(w.match('stdout', 'tick 1').length, 0);
    assert.equal(w.match('stderr', 'tick 1').length, 1);
    assert.equal(w.match('stderr', 'tick 2').length, 1);
    const first = w.match('stdout', 'server ready');
    assert.deepEqual(first[0]!.watch, { index: 0, pattern: 'ready', stream: 'both', repeat: false });
    assert.equal(w.match('stdout', 'ready again').length, 0);
  });

  it('matches only the start of a very long line', () => {
    const w = new LogWatcher([{ pattern: 'needle', repeat: true }]);
    assert.equal(w.match('stdout', `${'x'.repeat(MATCH_LINE_CHARS)}needle`).length, 0);
    assert.equal(w.match('stdout', `needle${'x'.repeat(10 * MATCH_LINE_CHARS)}`)[0]!.line.length, MATCH_LINE_CHARS);
  });
});
