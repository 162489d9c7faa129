// The MCP bridge's side of the tools settings, as a port: the agent module binds MCP_TOOL_CATALOG
// to McpManagerToolCatalog (mcp-manager-tool-catalog.ts, over the MCP feature's McpManager);
// NoMcpTools lists no servers (unit specs). Only listing goes through here: toggling and applying MCP tools needs no MCP code,
// because a bridged tool is a forge tool named `<server>__<tool>` (contract §10.3) and the session
// build filters it by that name like every other tool (session-toggles.ts).
export const MCP_TOOL_CATALOG = Symbol('MCP_TOOL_CATALOG');

export interface McpCatalogTool {
  /** The bridged name the model sees: `<server>__<tool>`. */
  name: string;
  /** The server's own name of the tool. */
  shortName: string;
  description: string;
}

export interface McpCatalogServer {
  server: string;
  /** Where the server is configured: mcp.json (global) or the project's .mcp.json. */
  scope: 'global' | 'project';
  projectId?: string;
  /** The server's own switch in its configuration. */
  enabled: boolean;
  /** Its connection state, in the MCP feature's words (connected, connecting, error, disabled…). */
  state: string;
  lastError?: string;
  tools: McpCatalogTool[];
}

export interface McpToolCatalog {
  /** The global servers and, when a project is given, that project's servers too; never throws for a dead server. */
  servers(project?: { id: string; path: string }): Promise<McpCatalogServer[]>;
}

/** The catalog while no MCP bridge is bound: no servers. */
export class NoMcpTools implements McpToolCatalog {
  servers(): Promise<McpCatalogServer[]> {
    return Promise.resolve([]);
  }
}
