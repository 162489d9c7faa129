import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disabledNames, withNameToggled, withoutNameToggles } from './name-patterns.js';

test('disabledNames reads !name and -name; +name cancels !name but not -name', () => {
  assert.deepEqual([...disabledNames(['!a', '-b', '!c', '+c', '-d', '+d', 'skills/x', '!*.md', 42])].sort(), ['a', 'b', 'd']);
  assert.equal(disabledNames(undefined).size, 0);
  assert.equal(disabledNames('!a').size, 0, 'a non-list is no patterns');
});

test('withNameToggled replaces the name entries and keeps every other pattern', () => {
  assert.deepEqual(withNameToggled(['extra/skills', '+a', '!b'], 'a', false), ['extra/skills', '!b', '!a']);
  assert.deepEqual(withNameToggled(['!a', '-a', '!b'], 'a', true), ['!b']);
  assert.deepEqual(withNameToggled(undefined, 'a', false), ['!a']);
});

test('withoutNameToggles hides the name entries from the SDK, not paths or globs', () => {
  assert.deepEqual(withoutNameToggles(['!a', '+b', '-c', '../more', '!legacy/*', 'skills/x']), ['../more', '!legacy/*', 'skills/x']);
  assert.equal(withoutNameToggles(undefined), undefined);
});
