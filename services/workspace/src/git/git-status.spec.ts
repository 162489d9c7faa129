import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GIT_FILE_KIND } from '@pi-forge/proto';
import { parseStatus, statusKind } from './git-status.js';
import { redactGitText } from './git-runner.js';

describe('git status parsing', () => {
  it('parses porcelain v1 -z with branch, renames and untracked files', () => {
    const out = [
      '## main...origin/main [ahead 1]',
      'M  staged.txt',
      ' M dirty.txt',
      'R  new name.txt',
      'old name.txt',
      '?? new.txt',
      'UU both.txt',
      '',
    ].join('\0');
    const { branch, files } = parseStatus(out);
    assert.equal(branch, 'main');
    assert.deepEqual(
      files.map((f) => [f.path, f.code, GIT_FILE_KIND.toWord(f.kind), f.staged, f.unstaged, f.originalPath]),
      [
        ['staged.txt', 'M ', 'modified', true, false, ''],
        ['dirty.txt', ' M', 'modified', false, true, ''],
        ['new name.txt', 'R ', 'renamed', true, false, 'old name.txt'],
        ['new.txt', '??', 'untracked', false, true, ''],
        ['both.txt', 'UU', 'conflicted', true, true, ''],
      ],
    );
  });

  it('reads unborn and detached heads', () => {
    assert.equal(parseStatus('## No commits yet on trunk\0').branch, 'trunk');
    assert.equal(parseStatus('## HEAD (no branch)\0').branch, '');
  });

  it('maps codes to kinds', () => {
    assert.deepEqual(['A ', ' D', 'C ', '!!', 'T ', 'AA', 'DD'].map(statusKind), [
      'added',
      'deleted',
      'copied',
      'ignored',
      'modified',
      'conflicted',
      'conflicted',
    ]);
  });

  it('redacts credentials in URLs', () => {
    assert.equal(
      redactGitText("fatal: unable to access 'https://x-access-token:ghp_secret@github.com/a/b.git/'"),
      "fatal: unable to access 'https://***@github.com/a/b.git/'",
    );
  });
});
