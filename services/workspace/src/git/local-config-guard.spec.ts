import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { localConfigOverrides, parseConfigList } from './local-config-guard.js';

describe('local config guard', () => {
  it('parses git config -z --list', () => {
    assert.deepEqual(parseConfigList('core.bare\nfalse\0filter.x.clean\ntouch a; cat\0flag\0'), [['core.bare', 'false'], ['filter.x.clean', 'touch a; cat'], ['flag', '']]);
  });

  it('overrides only what the repository set', () => {
    assert.deepEqual(localConfigOverrides([['core.bare', 'false'], ['user.name', 'x']], '/r/.git'), []);
    const args = localConfigOverrides([
      ['core.hookspath', '/evil'], ['filter.evil.clean', 'x'], ['credential.https://h.helper', '!x'],
    ], '/r/.git');
    assert.deepEqual(args, [
      '-c', 'core.hooksPath=/r/.git/hooks', '-c', 'credential.helper=',
      '-c', 'filter.evil.clean=', '-c', 'filter.evil.smudge=', '-c', 'filter.evil.process=', '-c', 'filter.evil.required=false',
    ]);
  });
});
