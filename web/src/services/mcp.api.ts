// /mcp routes (docs/mcp.md): MCP server settings, status, probe and the project trust gate.
import { http } from './http';

export type McpState = 'idle' | 'connecting' | 'connected' | 'error' | 'disabled' | 'trust_required';

export interface McpServerConfig {
  enabled?: boolean;
  url?: string;
  transport?: 'auto' | 'streamable-http' | 'sse';
  headers?: Record<string, string>;
  ignoreCertificateErrors?: boolean;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface McpStatusEntry {
  scope: 'global' | 'project';
  projectId?: string;
  name: string;
  kind: 'remote' | 'stdio';
  url?: string;
  command?: string;
  args?: string[];
  enabled: boolean;
  state: McpState;
  toolCount: number;
  lastError?: string;
  transport?: string;
}

export interface McpSettings {
  enabled: boolean;
  connected: number;
  total: number;
  truncation: { enabled: boolean; maxChars: number };
}

export interface McpServersView {
  servers: Record<string, McpServerConfig>;
  status: McpStatusEntry[];
  stdioTrust?: { trusted: boolean };
}

const name = (n: string) => encodeURIComponent(n);

export const mcpApi = {
  settings: () => http.get<McpSettings>('/mcp/settings'),
  saveSettings: (patch: { enabled?: boolean; truncation?: { enabled?: boolean; maxChars?: number } }) =>
    http.put<McpSettings>('/mcp/settings', patch),
  servers: (projectId?: string) => http.get<McpServersView>('/mcp/servers', { projectId }),
  saveServer: (server: string, config: McpServerConfig) => http.put<{ ok: true }>(`/mcp/servers/${name(server)}`, config),
  removeServer: (server: string) => http.del<{ removed: boolean }>(`/mcp/servers/${name(server)}`),
  probe: (server: string, projectId?: string) =>
    http.post<{ status: McpStatusEntry }>(`/mcp/servers/${name(server)}/probe`, {}, { projectId }),
  trust: (projectId: string) => http.post<{ trusted: true; status: McpStatusEntry[] }>(`/mcp/trust/${name(projectId)}`),
  untrust: (projectId: string) => http.del<{ trusted: false }>(`/mcp/trust/${name(projectId)}`),
};
