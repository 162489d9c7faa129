import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effective, normalizeNameOverridesFile, normalizeToolOverridesFile, overrideOf, withOverride } from './overrides.js';

test('normalize drops malformed entries and prototype keys instead of failing', () => {
  const doc = normalizeNameOverridesFile(
    JSON.parse('{"projects":{"p1":{"enable":["a",1,"a"],"disable":"x"},"__proto__":{"enable":["z"]},"p2":7}}'),
  );
  assert.deepEqual(doc, { projects: { p1: { enable: ['a'], disable: [] }, p2: { enable: [], disable: [] } } });
  assert.equal(Object.getPrototypeOf(doc.projects), Object.prototype);
  assert.deepEqual(normalizeNameOverridesFile([]), { projects: {} });
  const tools = normalizeToolOverridesFile({ builtin: ['bash'], mcp: 'x', projects: { p: { mcp: { disable: ['s__t'] } } } });
  assert.deepEqual(tools, {
    builtin: ['bash'],
    mcp: [],
    extension: [],
    projects: {
      p: { builtin: { enable: [], disable: [] }, mcp: { enable: [], disable: ['s__t'] }, extension: { enable: [], disable: [] } },
    },
  });
});

test('tri-state: on, off, inherit; effective is the override else the global state', () => {
  let e = withOverride(undefined, 'a', true);
  assert.equal(overrideOf(e, 'a'), true);
  e = withOverride(e, 'a', false);
  assert.deepEqual(e, { enable: [], disable: ['a'] });
  assert.equal(overrideOf(e, 'a'), false);
  e = withOverride(e, 'a', undefined);
  assert.deepEqual(e, { enable: [], disable: [] });
  assert.equal(overrideOf(e, 'a'), undefined);
  assert.equal(effective(false, undefined), false);
  assert.equal(effective(false, true), true);
  assert.equal(effective(true, false), false);
});
