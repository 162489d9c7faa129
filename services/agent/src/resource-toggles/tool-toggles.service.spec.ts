import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { ConfigFiles } from '../provider-config/config-files.js';
import { rejectsWith } from '../testing/forge-error-code.js';
import { BUILTIN_TOOL_NAMES } from './builtin-tools.js';
import type { McpToolCatalog } from './mcp-tool-catalog.port.js';
import { NoMcpTools } from './mcp-tool-catalog.port.js';
import { OverridesStore } from './overrides-store.js';
import type { ResourceScanner } from './resource-scanner.port.js';
import { SessionToggleSource } from './session-toggles.js';
import { ToolToggles } from './tool-toggles.service.js';

describe('ToolToggles', () => {
  let root: string;
  let config: ForgeConfig;
  let store: OverridesStore;
  let files: ConfigFiles;
  const scanned: string[] = [];
  const scanner: ResourceScanner = {
    scan: async (cwd) => {
      scanned.push(cwd);
      return {
        skills: [],
        skillDiagnostics: [],
        prompts: [],
        promptDiagnostics: [],
        extensionTools: [
          { packageSource: 'npm:pkg-a', name: 'a_one', description: '1' },
          { packageSource: 'npm:pkg-a', name: 'a_two', description: '2' },
          { packageSource: '/pi/extensions/b.ts', name: 'b_one', description: '3' },
        ],
      };
    },
  };
  const mcp: McpToolCatalog = {
    servers: async (project) => [
      {
        server: 'srv',
        scope: 'global',
        enabled: true,
        state: 'connected',
        tools: [{ name: 'srv__search', shortName: 'search', description: `search ${project?.id ?? 'global'}` }],
      },
    ],
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tool-toggles-'));
    mkdirSync(join(root, 'data'));
    config = { PI_CONFIG_DIR: join(root, 'pi'), FORGE_DATA_DIR: join(root, 'data') } as ForgeConfig;
    files = new ConfigFiles(config);
    store = new OverridesStore(config, files);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists the ten built-ins in order, the MCP servers and the extension tools by package, all enabled by default', async () => {
    const list = await new ToolToggles(config, scanner, mcp, store).list();
    assert.deepEqual(
      list.builtin.map((t) => t.name),
      [...BUILTIN_TOOL_NAMES],
    );
    assert.ok(list.builtin.every((t) => t.enabled && t.globalEnabled && t.description && t.projectOverride === undefined));
    assert.equal(scanned.at(-1), config.PI_CONFIG_DIR, 'without a project: the global extensions');
    assert.deepEqual(list.mcp[0]!.tools[0], {
      name: 'srv__search',
      shortName: 'search',
      description: 'search global',
      enabled: true,
      globalEnabled: true,
    });
    assert.deepEqual(
      list.extension.map((e) => [e.packageSource, e.tools.map((t) => t.name)]),
      [
        ['npm:pkg-a', ['a_one', 'a_two']],
        ['/pi/extensions/b.ts', ['b_one']],
      ],
    );
    assert.deepEqual((await new ToolToggles(config, scanner, new NoMcpTools(), store).list()).mcp, []);
  });

  it('global sets and project tri-state land in tool-overrides.json (0600) and in the session toggles', async () => {
    const tools = new ToolToggles(config, scanner, mcp, store);
    await tools.set('builtin', 'bash', false, 'global');
    await tools.set('builtin', 'bash', true, 'project', 'p1');
    await tools.set('mcp', 'srv__search', false, 'project', 'p1');
    const path = join(root, 'data', 'tool-overrides.json');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {
      builtin: ['bash'],
      mcp: [],
      extension: [],
      projects: {
        p1: {
          builtin: { enable: ['bash'], disable: [] },
          mcp: { enable: [], disable: ['srv__search'] },
          extension: { enable: [], disable: [] },
        },
      },
    });
    const p1 = await tools.list({ id: 'p1', path: '/p1' });
    assert.equal(scanned.at(-1), '/p1');
    const bash = p1.builtin.find((t) => t.name === 'bash')!;
    assert.deepEqual([bash.enabled, bash.globalEnabled, bash.projectOverride], [true, false, 'enabled']);
    assert.deepEqual([p1.mcp[0]!.tools[0]!.enabled, p1.mcp[0]!.tools[0]!.projectOverride], [false, 'disabled']);
    const session = await new SessionToggleSource(files, store).forProject('p2');
    assert.equal(session.toolEnabled('builtin', 'bash'), false);
    assert.equal(session.toolEnabled('mcp', 'srv__search'), true);

    await tools.clear('builtin', 'bash', 'p1');
    await tools.clear('mcp', 'srv__search', 'p1');
    await tools.clear('mcp', 'srv__search', 'p1');
    assert.deepEqual((await tools.overrides()).projects, {}, 'idempotent, and an empty entry is dropped');
    await tools.set('builtin', 'bash', true, 'global');
    assert.deepEqual((await tools.overrides()).builtin, []);
  });

  it('a project scope without a project is missing_project_id and writes nothing', async () => {
    const tools = new ToolToggles(config, scanner, mcp, store);
    await rejectsWith(tools.set('builtin', 'read', false, 'project'), 'missing_project_id');
    await rejectsWith(tools.clear('builtin', 'read', ''), 'missing_project_id');
    assert.throws(() => statSync(join(root, 'data', 'tool-overrides.json')));
  });
});
