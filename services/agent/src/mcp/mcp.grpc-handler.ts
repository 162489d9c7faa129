// The MCP RPCs (docs/mcp.md): proto ↔ the manager's shapes, nothing else.
import { Controller } from '@nestjs/common';
import { AgentRpc, MCP_SERVER_STATE, type Handles } from '@pi-forge/proto';
import {
  type AgentServiceController,
  type DeleteMcpServerRequest,
  type DeleteMcpServerResponse,
  type GetMcpSettingsResponse,
  type ListMcpServersRequest,
  type ListMcpServersResponse,
  type ListMcpToolsRequest,
  type ListMcpToolsResponse,
  type McpServerConfig as ProtoServerConfig,
  type McpServerStatus,
  type ProbeMcpServerRequest,
  type ProbeMcpServerResponse,
  type ProjectRef,
  type PutMcpServerRequest,
  type PutMcpServerResponse,
  type PutMcpSettingsRequest,
  type PutMcpSettingsResponse,
  type TrustMcpProjectRequest,
  type TrustMcpProjectResponse,
  type UntrustMcpProjectRequest,
  type UntrustMcpProjectResponse,
} from '@pi-forge/proto/agent';
import type { McpServerConfig, McpTransportWord } from './mcp-config.js';
import { McpManager, type McpSettingsView, type McpStatusEntry, type ProjectLocation } from './mcp-manager.js';

const nonEmpty = (m: Record<string, string> | undefined) => (m && Object.keys(m).length ? m : undefined);

export function configFromProto(c: ProtoServerConfig | undefined): McpServerConfig {
  const cfg: McpServerConfig = {};
  if (!c) return cfg;
  if (c.enabled !== undefined) cfg.enabled = c.enabled;
  if (c.url !== undefined) cfg.url = c.url;
  if (c.transport !== undefined) cfg.transport = c.transport as McpTransportWord;
  if (nonEmpty(c.headers)) cfg.headers = c.headers;
  if (c.ignoreCertificateErrors !== undefined) cfg.ignoreCertificateErrors = c.ignoreCertificateErrors;
  if (c.command !== undefined) cfg.command = c.command;
  if (c.args?.length) cfg.args = c.args;
  if (nonEmpty(c.env)) cfg.env = c.env;
  if (c.cwd !== undefined) cfg.cwd = c.cwd;
  return cfg;
}

export function configToProto(c: McpServerConfig): ProtoServerConfig {
  return {
    ...(c.enabled !== undefined ? { enabled: c.enabled } : {}),
    ...(c.url !== undefined ? { url: c.url } : {}),
    ...(c.transport !== undefined ? { transport: c.transport } : {}),
    headers: c.headers ?? {},
    ...(c.ignoreCertificateErrors !== undefined ? { ignoreCertificateErrors: c.ignoreCertificateErrors } : {}),
    ...(c.command !== undefined ? { command: c.command } : {}),
    args: c.args ?? [],
    env: c.env ?? {},
    ...(c.cwd !== undefined ? { cwd: c.cwd } : {}),
  };
}

function statusToProto(s: McpStatusEntry): McpServerStatus {
  return { ...s, args: s.args ?? [], state: MCP_SERVER_STATE.toProto(s.state) };
}

function settingsToProto(s: McpSettingsView): GetMcpSettingsResponse {
  return { enabled: s.enabled, connected: s.connected, total: s.total, truncation: s.truncation };
}

const location = (p: ProjectRef | undefined): ProjectLocation | undefined => (p ? { id: p.id, path: p.path } : undefined);

@Controller()
export class McpGrpcHandler implements Handles<AgentServiceController, McpGrpcHandler> {
  constructor(private readonly manager: McpManager) {}

  @AgentRpc.method
  async getMcpSettings(): Promise<GetMcpSettingsResponse> {
    return settingsToProto(await this.manager.settings());
  }

  @AgentRpc.method
  async putMcpSettings(req: PutMcpSettingsRequest): Promise<PutMcpSettingsResponse> {
    const truncation =
      req.truncationEnabled !== undefined || req.truncationMaxChars !== undefined
        ? {
            ...(req.truncationEnabled !== undefined ? { enabled: req.truncationEnabled } : {}),
            ...(req.truncationMaxChars !== undefined ? { maxChars: req.truncationMaxChars } : {}),
          }
        : undefined;
    const view = await this.manager.putSettings({
      ...(req.enabled !== undefined ? { enabled: req.enabled } : {}),
      ...(truncation ? { truncation } : {}),
    });
    return { settings: settingsToProto(view) };
  }

  @AgentRpc.method
  async listMcpServers(req: ListMcpServersRequest): Promise<ListMcpServersResponse> {
    const { servers, status, trusted } = await this.manager.listServers(location(req.project));
    return {
      servers: Object.fromEntries(Object.entries(servers).map(([n, c]) => [n, configToProto(c)])),
      status: status.map(statusToProto),
      ...(trusted !== undefined ? { stdioTrusted: trusted } : {}),
    };
  }

  @AgentRpc.method
  async putMcpServer(req: PutMcpServerRequest): Promise<PutMcpServerResponse> {
    await this.manager.putServer(req.name, configFromProto(req.config));
    return {};
  }

  @AgentRpc.method
  async deleteMcpServer(req: DeleteMcpServerRequest): Promise<DeleteMcpServerResponse> {
    return { removed: await this.manager.deleteServer(req.name) };
  }

  @AgentRpc.method
  async probeMcpServer(req: ProbeMcpServerRequest): Promise<ProbeMcpServerResponse> {
    return { status: statusToProto(await this.manager.probe(req.name, location(req.project))) };
  }

  @AgentRpc.method
  async listMcpTools(req: ListMcpToolsRequest): Promise<ListMcpToolsResponse> {
    return { tools: await this.manager.tools(location(req.project)!) };
  }

  @AgentRpc.method
  async trustMcpProject(req: TrustMcpProjectRequest): Promise<TrustMcpProjectResponse> {
    return { status: (await this.manager.trust(location(req.project)!)).map(statusToProto) };
  }

  @AgentRpc.method
  async untrustMcpProject(req: UntrustMcpProjectRequest): Promise<UntrustMcpProjectResponse> {
    await this.manager.untrust(req.projectId);
    return {};
  }
}
