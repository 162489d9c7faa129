import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGenericName, nextNewSessionName, titleFromPrompt } from './session-title.js';

test('titleFromPrompt follows the contract example', () => {
  assert.equal(titleFromPrompt('Please implement session tab title summaries for the browser UI'), 'Implement Session Tab Title Summaries');
});

test('titleFromPrompt ignores code fences, shortens @paths and caps the length', () => {
  assert.equal(titleFromPrompt('fix ```\nconst x = 1\n``` the bug in @src/app/main.ts now'), 'Fix Bug Main.ts Now');
  const long = titleFromPrompt(
    'refactor extraordinarily-complicated-component-names everywhere across repositories immediately thoroughly carefully',
  );
  assert.ok(long && long.length <= 60 && long.split(' ').length <= 8, long);
  assert.equal(titleFromPrompt('```\nonly code\n```'), undefined);
});

test('session names: generic detection and the next free "New session (N)"', () => {
  assert.ok(isGenericName('New session (3)') && isGenericName(undefined) && !isGenericName('Mine'));
  assert.equal(nextNewSessionName([]), 'New session');
  assert.equal(nextNewSessionName(['New session', 'New session (2)', 'x']), 'New session (3)');
});
