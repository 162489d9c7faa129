import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { branchNameProblem } from './ref-name.js';

/** What git itself says (exit 0 = valid). */
function gitAccepts(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', '--branch', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('branchNameProblem', () => {
  const invalid = [
    '.foo',
    'bar/.baz',
    'a..b',
    'x.lock',
    'a/b.lock/c',
    'ends.',
    'ends/',
    '/starts',
    'a//b',
    'sp ace',
    'tab\there',
    'a~1',
    'a^',
    'a:b',
    'q?',
    'st*r',
    'br[acket',
    'back\\slash',
    'at@{1}',
    '-dash',
    'del\x7f',
    'nul\x00',
  ];
  const valid = ['main', 'feature/login', 'release-1.2', 'user/name/topic', 'a.b', 'x@y', 'lock.x', 'UPPER_case'];

  for (const name of invalid) {
    it(`refuses ${JSON.stringify(name)} as git does`, () => {
      assert.ok(branchNameProblem(name), `${name} accepted`);
      if (!name.includes('\x00')) assert.equal(gitAccepts(name), false, `git accepts ${name}: the rule is wrong`);
    });
  }
  for (const name of valid) {
    it(`accepts ${JSON.stringify(name)} as git does`, () => {
      assert.equal(branchNameProblem(name), undefined);
      assert.equal(gitAccepts(name), true);
    });
  }

  it('refuses HEAD, @ (git would expand both to the current branch), empty and over-long names', () => {
    assert.ok(branchNameProblem('HEAD'));
    assert.ok(branchNameProblem('@'));
    assert.ok(branchNameProblem(''));
    assert.ok(branchNameProblem('a'.repeat(251)));
    assert.ok(branchNameProblem(undefined));
  });
});
