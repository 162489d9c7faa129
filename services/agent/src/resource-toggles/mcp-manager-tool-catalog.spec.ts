import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { McpManager } from '../mcp/mcp-manager.js';
import { McpManagerToolCatalog } from './mcp-manager-tool-catalog.js';

test("the MCP manager's servers are passed through, a disabled one reporting enabled: false", async () => {
  const asked: unknown[] = [];
  const manager = {
    servers: async (project?: { id: string; path: string }) => {
      asked.push(project);
      return [
        { server: 'a', scope: 'global', state: 'connected', tools: [{ name: 'a__x', shortName: 'x', description: 'd' }] },
        { server: 'b', scope: 'project', projectId: 'p1', state: 'disabled', tools: [] },
      ];
    },
  } as unknown as McpManager;
  const servers = await new McpManagerToolCatalog(manager).servers({ id: 'p1', path: '/p' });
  assert.deepEqual(asked, [{ id: 'p1', path: '/p' }]);
  assert.deepEqual(
    servers.map((s) => [s.server, s.enabled, s.tools.length]),
    [
      ['a', true, 1],
      ['b', false, 0],
    ],
  );
});
