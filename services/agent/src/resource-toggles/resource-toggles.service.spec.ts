import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { ConfigFiles } from '../provider-config/config-files.js';
import { rejectsWith } from '../testing/forge-error-code.js';
import { OverridesStore } from './overrides-store.js';
import type { ResourceScanner, ScannedResources } from './resource-scanner.port.js';
import { ResourceToggles } from './resource-toggles.service.js';
import { SessionToggleSource } from './session-toggles.js';

const SCAN: ScannedResources = {
  skills: [
    { name: 'alpha', description: 'A', filePath: '/pi/skills/alpha/SKILL.md', source: 'global', disableModelInvocation: false },
    { name: 'beta', description: 'B', filePath: '/p/.pi/skills/beta.md', source: 'project', disableModelInvocation: true },
  ],
  skillDiagnostics: [{ type: 'warning', message: 'description missing', path: '/pi/skills/x.md' }],
  prompts: [{ name: 'review', description: 'Review', argumentHint: '<file>', filePath: '/pi/prompts/review.md', source: 'global' }],
  promptDiagnostics: [],
  extensionTools: [],
};

describe('ResourceToggles', () => {
  let root: string;
  let files: ConfigFiles;
  let toggles: ResourceToggles;
  let sessions: SessionToggleSource;
  const project = { id: 'p1', path: '/p' };
  const scanned: string[] = [];
  const settings = () => JSON.parse(readFileSync(files.settingsPath, 'utf8')) as Record<string, unknown>;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'resource-toggles-'));
    mkdirSync(join(root, 'pi'));
    mkdirSync(join(root, 'data'));
    const config = { PI_CONFIG_DIR: join(root, 'pi'), FORGE_DATA_DIR: join(root, 'data') } as ForgeConfig;
    files = new ConfigFiles(config);
    const store = new OverridesStore(config, files);
    const scanner: ResourceScanner = {
      scan: async (cwd) => {
        scanned.push(cwd);
        return SCAN;
      },
    };
    toggles = new ResourceToggles(scanner, store, files);
    sessions = new SessionToggleSource(files, store);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists what the scanner loads for the project folder, all enabled by default, with the diagnostics', async () => {
    const { items, diagnostics } = await toggles.list('skills', project);
    assert.deepEqual(scanned.at(-1), '/p');
    assert.deepEqual(
      items.map((s) => [s.name, s.enabled, s.projectOverride, s.effective]),
      [
        ['alpha', true, undefined, true],
        ['beta', true, undefined, true],
      ],
    );
    assert.equal(diagnostics[0]!.message, 'description missing');
  });

  it('a global toggle writes !name into settings.json#skills, keeping other keys and patterns', async () => {
    writeFileSync(files.settingsPath, JSON.stringify({ defaultModel: 'm', skills: ['../shared-skills'] }));
    const items = await toggles.set('skills', project, 'alpha', false, 'global');
    assert.deepEqual(settings(), { defaultModel: 'm', skills: ['../shared-skills', '!alpha'] });
    assert.equal(items.find((s) => s.name === 'alpha')!.enabled, false);
    assert.equal(items.find((s) => s.name === 'alpha')!.effective, false);
    await toggles.set('skills', project, 'alpha', true, 'global');
    assert.deepEqual(settings(), { defaultModel: 'm', skills: ['../shared-skills'] });
  });

  it('a project override wins over the global state and clearing it inherits again; the file is 0600', async () => {
    await toggles.set('prompts', project, 'review', false, 'global');
    let items = await toggles.set('prompts', project, 'review', true, 'project');
    assert.deepEqual(
      items.map((p) => [p.enabled, p.projectOverride, p.effective]),
      [[false, 'enabled', true]],
    );
    const path = join(root, 'data', 'prompts-overrides.json');
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { projects: { p1: { enable: ['review'], disable: [] } } });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal((await sessions.forProject('p1')).promptEnabled('review'), true);
    assert.equal((await sessions.forProject('p2')).promptEnabled('review'), false);
    items = await toggles.clear('prompts', project, 'review');
    assert.deepEqual(
      items.map((p) => [p.projectOverride, p.effective]),
      [[undefined, false]],
    );
    assert.deepEqual((await toggles.overrides('prompts')).projects, {}, 'an empty entry is removed');
  });

  it('an unknown name is skill_not_found / prompt_not_found and nothing is written', async () => {
    await rejectsWith(toggles.set('skills', project, 'nope', false, 'global'), 'skill_not_found');
    await rejectsWith(toggles.clear('prompts', project, 'nope'), 'prompt_not_found');
    assert.throws(() => statSync(files.settingsPath));
    assert.throws(() => statSync(join(root, 'data', 'prompts-overrides.json')));
  });

  it('concurrent project toggles all land (the read-modify-write is serialized)', async () => {
    await Promise.all([
      toggles.set('skills', project, 'alpha', false, 'project'),
      toggles.set('skills', project, 'beta', false, 'project'),
      toggles.set('skills', { id: 'p2', path: '/p' }, 'alpha', true, 'project'),
    ]);
    const doc = await toggles.overrides('skills');
    assert.deepEqual(doc.projects.p1!.disable.sort(), ['alpha', 'beta']);
    assert.deepEqual(doc.projects.p2!.enable, ['alpha']);
  });

  it('a settings.json that is not JSON is config_unreadable, not overwritten', async () => {
    writeFileSync(files.settingsPath, '{ broken');
    await rejectsWith(toggles.set('skills', project, 'alpha', false, 'global'), 'config_unreadable');
    assert.equal(readFileSync(files.settingsPath, 'utf8'), '{ broken');
  });
});
