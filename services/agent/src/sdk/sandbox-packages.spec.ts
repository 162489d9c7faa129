import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SettingsManager } from '@earendil-works/pi-coding-agent';
import { dropPiSubagentsExtensions, isPiSubagents, withoutPiSubagents } from './sandbox-packages.js';

describe('sandbox packages', () => {
  it('recognises pi-subagents by npm name, git URL and folder, not look-alikes', () => {
    for (const s of [
      'npm:pi-subagents',
      'npm:pi-subagents@0.67.0',
      'git:github.com/nicobailon/pi-subagents',
      'https://github.com/nicobailon/pi-subagents.git',
      '/srv/node_modules/pi-subagents',
      '/srv/node_modules/pi-subagents/index.ts',
      'C:\\pkgs\\pi-subagents\\index.ts',
    ]) {
      assert.equal(isPiSubagents(s), true, s);
    }
    for (const s of ['npm:pi-subagents-extra', 'npm:my-pi-subagents', '/srv/pi-subagents-fork/index.ts', 'npm:pi-mcp'])
      assert.equal(isPiSubagents(s), false, s);
  });

  it('global and project settings lose pi-subagents packages and extension paths, keep the rest', () => {
    const settings = SettingsManager.inMemory({
      packages: ['npm:pi-subagents@0.67.0', 'npm:pi-other', { source: '/x/node_modules/pi-subagents', extensions: [] }],
      extensions: ['/x/pi-subagents/index.ts', '/x/mine.ts'],
      defaultModel: 'm',
    });
    withoutPiSubagents(settings);
    const global = settings.getGlobalSettings();
    assert.deepEqual(global.packages, ['npm:pi-other']);
    assert.deepEqual(global.extensions, ['/x/mine.ts']);
    assert.equal(global.defaultModel, 'm');
    assert.equal(settings.getProjectSettings().packages, undefined, 'no key is added');
  });

  it('a discovered pi-subagents extension is dropped from the loaded set', () => {
    const ext = (path: string) => ({ path, resolvedPath: path }) as never;
    const out = dropPiSubagentsExtensions({
      extensions: [ext('/cfg/extensions/pi-subagents/index.ts'), ext('/cfg/extensions/mine.ts')],
      errors: [],
      runtime: {} as never,
    } as never);
    assert.deepEqual(
      out.extensions.map((e) => e.path),
      ['/cfg/extensions/mine.ts'],
    );
  });
});
