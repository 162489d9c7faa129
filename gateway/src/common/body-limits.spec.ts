import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonShapeProblem } from './body-limits.js';

test('jsonShapeProblem counts nesting and values outside strings only', () => {
  assert.equal(jsonShapeProblem('{"a":[1,2,{"b":"c"}]}'), undefined);
  assert.match(jsonShapeProblem('['.repeat(65) + ']'.repeat(65)) ?? '', /deeper than 64/);
  assert.equal(jsonShapeProblem('['.repeat(64) + ']'.repeat(64)), undefined);
  assert.match(jsonShapeProblem(`[${'{},'.repeat(10)}{}]`, 64, 10) ?? '', /more than 10 values/);
  assert.equal(jsonShapeProblem(JSON.stringify({ s: '[[[[,,,,{{{{ \\" ,,,' + '['.repeat(100) })), undefined, 'brackets inside strings');
  assert.equal(jsonShapeProblem('{"s":"a\\\\"}'), undefined, 'an escaped backslash ends before the quote');
});
