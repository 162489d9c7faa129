// /mcp (docs/mcp.md, contract §2.10): MCP server settings, status, probe, bridged tools and the stdio trust gate.
// Thin: validate, resolve the project through the workspace service (404 project_not_found), call the agent.
import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { MCP_SERVER_STATE } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { AgentClient } from '../clients/agent.client.js';
import { WorkspaceClient } from '../clients/workspace.client.js';
import {
  McpProjectQueryDto,
  McpServerConfigDto,
  McpServerNameDto,
  McpToolsQueryDto,
  McpTrustParamsDto,
  PutMcpSettingsDto,
} from './mcp.dto.js';

type Json = Record<string, unknown>;

const nonEmpty = (m: Record<string, string> | undefined) => (m && Object.keys(m).length ? m : undefined);

export function configView(c: agent.McpServerConfig): Json {
  const out: Json = {};
  if (c.enabled !== undefined) out.enabled = c.enabled;
  if (c.url !== undefined) out.url = c.url;
  if (c.transport !== undefined) out.transport = c.transport;
  if (nonEmpty(c.headers)) out.headers = c.headers;
  if (c.ignoreCertificateErrors !== undefined) out.ignoreCertificateErrors = c.ignoreCertificateErrors;
  if (c.command !== undefined) out.command = c.command;
  if (c.args?.length) out.args = c.args;
  if (nonEmpty(c.env)) out.env = c.env;
  if (c.cwd !== undefined) out.cwd = c.cwd;
  return out;
}

export function statusView(s: agent.McpServerStatus | undefined): Json {
  if (!s) return {};
  return {
    scope: s.scope,
    ...(s.projectId ? { projectId: s.projectId } : {}),
    name: s.name,
    kind: s.kind,
    ...(s.url !== undefined ? { url: s.url } : {}),
    ...(s.command !== undefined ? { command: s.command, args: s.args ?? [] } : {}),
    enabled: s.enabled,
    state: MCP_SERVER_STATE.toWord(s.state) ?? 'idle',
    toolCount: s.toolCount,
    ...(s.lastError ? { lastError: s.lastError } : {}),
    ...(s.transport ? { transport: s.transport } : {}),
  };
}

function settingsView(s: agent.GetMcpSettingsResponse | undefined): Json {
  return {
    enabled: !!s?.enabled,
    connected: s?.connected ?? 0,
    total: s?.total ?? 0,
    truncation: { enabled: !!s?.truncation?.enabled, maxChars: s?.truncation?.maxChars ?? 0 },
  };
}

@Controller('mcp')
export class McpController {
  constructor(
    private readonly agent: AgentClient,
    private readonly workspace: WorkspaceClient,
  ) {}

  private async project(id: string): Promise<agent.ProjectRef> {
    const { project } = await this.workspace.getProject({ id });
    return { id: project!.id, path: project!.path };
  }

  @Get('settings')
  async settings(): Promise<Json> {
    return settingsView(await this.agent.getMcpSettings({}));
  }

  @Put('settings')
  async putSettings(@Body() body: PutMcpSettingsDto): Promise<Json> {
    const t = body.truncation;
    if (body.enabled === undefined && t?.enabled === undefined && t?.maxChars === undefined)
      throw new BadRequestException({
        error: 'validation_failed',
        message: 'give at least one of enabled, truncation.enabled, truncation.maxChars',
      });
    const { settings } = await this.agent.putMcpSettings({
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      ...(t?.enabled !== undefined ? { truncationEnabled: t.enabled } : {}),
      ...(t?.maxChars !== undefined ? { truncationMaxChars: t.maxChars } : {}),
    });
    return settingsView(settings);
  }

  @Get('servers')
  async servers(@Query() query: McpProjectQueryDto): Promise<Json> {
    const project = query.projectId ? await this.project(query.projectId) : undefined;
    const res = await this.agent.listMcpServers(project ? { project } : {});
    return {
      servers: Object.fromEntries(Object.entries(res.servers ?? {}).map(([n, c]) => [n, configView(c)])),
      status: (res.status ?? []).map(statusView),
      ...(res.stdioTrusted !== undefined ? { stdioTrust: { trusted: res.stdioTrusted } } : {}),
    };
  }

  @Put('servers/:name')
  async putServer(@Param() params: McpServerNameDto, @Body() body: McpServerConfigDto): Promise<{ ok: true }> {
    await this.agent.putMcpServer({
      name: params.name,
      config: { ...body, headers: body.headers ?? {}, env: body.env ?? {}, args: body.args ?? [] },
    });
    return { ok: true };
  }

  @Delete('servers/:name')
  async deleteServer(@Param() params: McpServerNameDto): Promise<{ removed: boolean }> {
    return { removed: (await this.agent.deleteMcpServer({ name: params.name })).removed };
  }

  @Post('servers/:name/probe')
  @HttpCode(200)
  async probe(@Param() params: McpServerNameDto, @Query() query: McpProjectQueryDto): Promise<{ status: Json }> {
    const project = query.projectId ? await this.project(query.projectId) : undefined;
    const res = await this.agent.probeMcpServer({ name: params.name, ...(project ? { project } : {}) });
    return { status: statusView(res.status) };
  }

  @Get('tools')
  async tools(@Query() query: McpToolsQueryDto): Promise<{ tools: { name: string; description: string }[] }> {
    const project = await this.project(query.projectId);
    return { tools: (await this.agent.listMcpTools({ project })).tools ?? [] };
  }

  @Post('trust/:projectId')
  @HttpCode(200)
  async trust(@Param() params: McpTrustParamsDto): Promise<{ trusted: true; status: Json[] }> {
    const project = await this.project(params.projectId);
    const res = await this.agent.trustMcpProject({ project });
    return { trusted: true, status: (res.status ?? []).map(statusView) };
  }

  @Delete('trust/:projectId')
  async untrust(@Param() params: McpTrustParamsDto): Promise<{ trusted: false }> {
    const project = await this.project(params.projectId);
    await this.agent.untrustMcpProject({ projectId: project.id });
    return { trusted: false };
  }
}
