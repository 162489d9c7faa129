import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { configKeyHandling, parseConfigList, parseConfigListing, repoConfigOverrides, type ConfigEntry } from './local-config-guard.js';

const local = (key: string, value: string, origin = 'file:.git/config'): ConfigEntry => ({ scope: 'local', origin, key, value });
const global = (key: string, value: string): ConfigEntry => ({ scope: 'global', origin: 'file:/home/u/.gitconfig', key, value });

describe('repository config guard', () => {
  it('parses git config -z --list', () => {
    assert.deepEqual(parseConfigList('core.bare\nfalse\0filter.x.clean\ntouch a; cat\0flag\0'), [
      ['core.bare', 'false'],
      ['filter.x.clean', 'touch a; cat'],
      ['flag', ''],
    ]);
  });

  it('parses the --includes --show-scope --show-origin listing', () => {
    const out =
      'global\0file:/h/.gitconfig\0user.name\nMe\0local\0file:/tmp/inc.cfg\0filter.evil.clean\ntouch x; cat\0local\0file:.git/config\0flag\0';
    assert.deepEqual(parseConfigListing(out), [
      { scope: 'global', origin: 'file:/h/.gitconfig', key: 'user.name', value: 'Me' },
      { scope: 'local', origin: 'file:/tmp/inc.cfg', key: 'filter.evil.clean', value: 'touch x; cat' },
      { scope: 'local', origin: 'file:.git/config', key: 'flag', value: '' },
    ]);
  });

  it('overrides nothing when the repository sets no program', () => {
    assert.deepEqual(
      repoConfigOverrides([local('core.bare', 'false'), local('user.name', 'x'), global('credential.helper', 'store')], '/r/.git'),
      { config: [], env: {} },
    );
  });

  it('puts back git defaults for program keys from the repository or its includes', () => {
    const r = repoConfigOverrides(
      [
        local('core.hookspath', '/evil'),
        local('filter.evil.clean', 'x', 'file:/tmp/included.cfg'),
        local('filter.evil.smudge', 'y', 'file:/tmp/included.cfg'),
        local('diff.evil.textconv', 'x'),
        local('merge.evil.driver', 'x'),
        local('gpg.program', 'x'),
        local('gpg.ssh.program', 'x'),
        local('commit.gpgsign', 'true'),
        local('log.showsignature', 'true'),
        local('credential.https://h.helper', '!x'),
        local('core.gitproxy', 'x'),
        local('submodule.s.update', '!x'),
        local('submodule.t.update', 'rebase'),
      ],
      '/r/.git',
    );
    assert.deepEqual(r.config, [
      ['core.hooksPath', '/r/.git/hooks'],
      ['filter.evil.clean', ''],
      ['filter.evil.smudge', ''],
      ['filter.evil.process', ''],
      ['filter.evil.required', 'false'],
      ['diff.evil.textconv', 'cat'],
      ['merge.evil.driver', 'git merge-file --marker-size=%L %A %O %B'],
      ['gpg.program', 'gpg'],
      ['gpg.ssh.program', 'ssh-keygen'],
      ['commit.gpgsign', 'false'],
      ['log.showsignature', 'false'],
      ['credential.https://h.helper', ''],
      ['submodule.s.update', 'checkout'],
    ]);
    assert.deepEqual(r.env, { GIT_PROXY_COMMAND: '' });
  });

  it("keeps the user's own values: the trusted one wins back, credential helpers are re-added in order", () => {
    const r = repoConfigOverrides(
      [
        global('credential.helper', 'cache'),
        global('credential.helper', 'store'),
        global('gpg.program', '/usr/bin/gpg2'),
        global('commit.gpgsign', 'true'),
        global('filter.lfs.clean', 'git-lfs clean -- %f'),
        local('credential.helper', '!evil'),
        local('gpg.program', '/tmp/evil'),
        local('commit.gpgsign', 'true'),
        local('filter.lfs.process', 'evil'),
      ],
      '/r/.git',
    );
    assert.deepEqual(r.config, [
      ['credential.helper', ''],
      ['credential.helper', 'cache'],
      ['credential.helper', 'store'],
      ['gpg.program', '/usr/bin/gpg2'],
      ['commit.gpgsign', 'true'],
      ['filter.lfs.clean', 'git-lfs clean -- %f'],
      ['filter.lfs.smudge', ''],
      ['filter.lfs.process', ''],
      ['filter.lfs.required', 'false'],
    ]);
  });

  it('classifies every program-valued key this git documents (a new one fails here until handled)', () => {
    const names = execFileSync('git', ['help', '--config'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[a-zA-Z][\w.<>-]*$/.test(l));
    assert.ok(names.length > 300, `git help --config listed ${names.length} keys`);
    const programish =
      /(program|command|cmd|helper|textconv|hookspath|fsmonitor|proxy|sshcommand|askpass|editor|pager|driver|clean|smudge|process|external|pack|hook|vcs|update|exec|path)$/i;
    const unclassified = names.filter((n) => programish.test(n) && !configKeyHandling(n));
    assert.deepEqual(unclassified, []);
  });
});
