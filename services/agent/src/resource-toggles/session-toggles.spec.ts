import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_ENABLED, toolAllowlist, toolEnabledIn, type SessionToggles } from './session-toggles.js';
import { normalizeToolOverridesFile } from './overrides.js';

test('toolEnabledIn: global disabled sets, then the project tri-state', () => {
  const doc = normalizeToolOverridesFile({
    builtin: ['bash'],
    projects: { p1: { builtin: { enable: ['bash'], disable: ['read'] } } },
  });
  assert.equal(toolEnabledIn(doc, undefined, 'builtin', 'bash'), false);
  assert.equal(toolEnabledIn(doc, 'p1', 'builtin', 'bash'), true);
  assert.equal(toolEnabledIn(doc, 'p1', 'builtin', 'read'), false);
  assert.equal(toolEnabledIn(doc, 'p2', 'builtin', 'read'), true);
});

test('toolAllowlist files each tool under its family and keeps untoggleable forge tools', () => {
  const off = new Set(['builtin:bash', 'builtin:todo', 'mcp:srv__search', 'extension:spawn_child']);
  const toggles: SessionToggles = { ...ALL_ENABLED, toolEnabled: (family, name) => !off.has(`${family}:${name}`) };
  const allowed = toolAllowlist(toggles, {
    builtin: ['read', 'bash', 'ls'],
    forge: ['todo', 'process', 'srv__search', 'srv__fetch', 'orchestrate_spawn'],
    extension: ['spawn_child', 'other_ext'],
  });
  assert.deepEqual(allowed, ['read', 'ls', 'process', 'srv__fetch', 'orchestrate_spawn', 'other_ext']);
  assert.deepEqual(toolAllowlist(ALL_ENABLED, { builtin: ['read'], forge: ['read'], extension: [] }), ['read'], 'no duplicates');
});
