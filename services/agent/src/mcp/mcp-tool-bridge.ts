// The `mcp` forge tool family (contract §1.10 M5/M6, §10.3): one agent tool per tool of each connected MCP server
// (global ∪ project), named `<server>__<tool>`, with the server's description and JSON schema. A call goes to
// whichever connection serves that server *now* (reloads replace connections), so a server that died and came
// back serves the same session again; a server that is down answers a tool error at once instead of blocking.
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ForgeTools, type ForgeToolContext, type ForgeToolProvider } from '../forge-tools/forge-tools.js';
import type { ToolDefinition } from '../sdk/pi-sdk.js';
import type { McpConnection, McpToolInfo } from './mcp-connection.js';
import { McpManager, type ProjectLocation } from './mcp-manager.js';
import { ERROR_PREFIX, mcpResultToAgentResult } from './mcp-result.js';
import { bridgedToolName } from './mcp-tool-names.js';

/** Tool parameters must be an object schema; MCP servers may omit `type` or `properties`. */
export function objectSchema(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const s = schema ?? {};
  return { ...s, type: s.type ?? 'object', ...(s.properties === undefined ? { properties: {} } : {}) };
}

@Injectable()
export class McpToolBridge implements ForgeToolProvider, OnModuleInit {
  readonly name = 'mcp';

  constructor(
    private readonly forgeTools: ForgeTools,
    private readonly manager: McpManager,
  ) {}

  onModuleInit(): void {
    this.forgeTools.register(this);
  }

  async toolsFor(ctx: ForgeToolContext): Promise<ToolDefinition[]> {
    const project = { id: ctx.projectId, path: ctx.cwd };
    const conns = await this.manager.forSession(project);
    const seen = new Set<string>();
    const out: ToolDefinition[] = [];
    for (const conn of conns) {
      for (const tool of conn.tools) {
        const name = bridgedToolName(conn.name, tool.name);
        if (seen.has(name)) continue; // two MCP names that sanitize alike: the first wins
        seen.add(name);
        out.push(this.define(project, conn, tool, name));
      }
    }
    return out;
  }

  private define(project: ProjectLocation, conn: McpConnection, tool: McpToolInfo, name: string): ToolDefinition {
    const server = conn.name;
    return {
      name,
      label: `${server}: ${tool.name}`,
      description: tool.description,
      parameters: objectSchema(tool.inputSchema) as unknown as ToolDefinition['parameters'],
      execute: async (_toolCallId, params, signal) => {
        const current = await this.manager.connectionFor(project, server);
        if (!current || current.state === 'disabled' || current.state === 'trust_required' || !this.manager.enabled)
          return failure(server, tool.name, `MCP server ${server} is not available (${current?.state ?? 'removed'})`);
        try {
          const result = await current.callTool(tool.name, (params ?? {}) as Record<string, unknown>, signal);
          return mcpResultToAgentResult(server, tool.name, result, this.manager.truncation);
        } catch (err) {
          return failure(server, tool.name, err instanceof Error ? err.message : String(err));
        }
      },
    } as ToolDefinition;
  }
}

function failure(server: string, tool: string, message: string) {
  return {
    content: [{ type: 'text' as const, text: `${ERROR_PREFIX} ${message}` }],
    details: { server, tool, isError: true },
    isError: true,
  };
}
