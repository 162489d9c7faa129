// The McpToolCatalog over the MCP feature's manager: its servers (global ∪ the project's) with
// their bridged `<server>__<tool>` tools. A server that is switched off (or the MCP master switch)
// reports state `disabled`, which is what `enabled: false` means in the tools settings.
import { Injectable } from '@nestjs/common';
import { McpManager } from '../mcp/mcp-manager.js';
import type { McpCatalogServer, McpToolCatalog } from './mcp-tool-catalog.port.js';

@Injectable()
export class McpManagerToolCatalog implements McpToolCatalog {
  constructor(private readonly manager: McpManager) {}

  async servers(project?: { id: string; path: string }): Promise<McpCatalogServer[]> {
    return (await this.manager.servers(project)).map((s) => ({ ...s, enabled: s.state !== 'disabled' }));
  }
}
