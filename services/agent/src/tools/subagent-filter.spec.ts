import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropSubagentExtensions, isSubagentsSource, withoutSubagents } from './subagent-filter.js';
import type { LoadExtensionsResult, SettingsManager } from '../sdk/pi-sdk.js';

test('isSubagentsSource knows pi-subagents as npm, git, local and object sources, and nothing else', () => {
  for (const s of ['npm:pi-subagents', 'npm:pi-subagents@1.2.0', 'npm:@someone/pi-subagents', 'git:github.com/x/pi-subagents', '/cfg/extensions/pi-subagents/index.ts', { source: 'npm:pi-subagents' }]) {
    assert.equal(isSubagentsSource(s), true, JSON.stringify(s));
  }
  for (const s of ['npm:pi-subagents-helper-not', 'npm:my-pi-subagents', '/cfg/extensions/other.ts', { source: 'npm:pi-mcp' }]) {
    assert.equal(isSubagentsSource(s), false, JSON.stringify(s));
  }
});

test('withoutSubagents filters global and project packages and extensions, keeping the rest', () => {
  const fake = {
    getGlobalSettings: () => ({ packages: ['npm:pi-subagents', 'npm:pi-mcp'], extensions: ['/x/pi-subagents/index.ts', '/x/other.ts'], theme: 'dark' }),
    getProjectSettings: () => ({ packages: [{ source: 'npm:pi-subagents' }] }),
  };
  withoutSubagents(fake as unknown as SettingsManager);
  assert.deepEqual(fake.getGlobalSettings(), { packages: ['npm:pi-mcp'], extensions: ['/x/other.ts'], theme: 'dark' });
  assert.deepEqual(fake.getProjectSettings(), { packages: [] });
});

test('dropSubagentExtensions removes loaded pi-subagents extensions only', () => {
  const base = { extensions: [{ path: '/e/pi-subagents/index.ts', resolvedPath: '/e/pi-subagents/index.ts' }, { path: '/e/other.ts', resolvedPath: '/e/other.ts' }], errors: [] } as unknown as LoadExtensionsResult;
  assert.deepEqual(dropSubagentExtensions(base).extensions.map((e) => e.path), ['/e/other.ts']);
});
