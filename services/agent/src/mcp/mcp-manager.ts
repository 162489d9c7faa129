// The MCP connection manager (contract §1.10, §10.3): a global pool from mcp.json, loaded at boot and reloaded
// on every settings/server change (only changed entries reconnect), and one pool per project from its
// `.mcp.json`, loaded lazily (first session, status query or trust) and read once per pool. A project's stdio
// servers run commands from the repository, so they stay `trust_required` until the project is trusted.
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { forgeError, GrpcStatus, LOGGER } from '@pi-forge/runtime';
import {
  effectiveTruncation,
  keepRedactedValues,
  normalizeServer,
  redactServer,
  serverConfigProblem,
  serverNameProblem,
  type McpFile,
  type McpServerConfig,
  type McpTruncation,
} from './mcp-config.js';
import { McpConnection, type McpScope, type McpState } from './mcp-connection.js';
import { McpFiles } from './mcp-files.js';
import { bridgedToolName } from './mcp-tool-names.js';

/** How long a session being created waits for MCP servers still connecting; slower ones are left out of it. */
export const SESSION_WAIT_MS = 5_000;
const CLIENT_VERSION = '0.1.0';

export interface ProjectLocation {
  id: string;
  path: string;
}

export interface McpStatusEntry {
  scope: McpScope;
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

/** For the tools settings (the toggles port): servers and their bridged tools per project. */
export interface McpCatalogServer {
  server: string;
  scope: McpScope;
  projectId?: string;
  state: McpState;
  lastError?: string;
  tools: { name: string; shortName: string; description: string }[];
}

export interface McpSettingsView {
  enabled: boolean;
  connected: number;
  total: number;
  truncation: McpTruncation;
}

interface ProjectPool {
  path: string;
  connections: Map<string, McpConnection>;
}

const sameConfig = (a: McpServerConfig, b: McpServerConfig) => JSON.stringify(normalizeServer(a)) === JSON.stringify(normalizeServer(b));

@Injectable()
export class McpManager implements OnModuleInit, OnApplicationShutdown {
  private file: McpFile = { servers: {} };
  private readonly global = new Map<string, McpConnection>();
  private readonly projects = new Map<string, Promise<ProjectPool>>();
  private globalLoad: Promise<void> = Promise.resolve();

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly files: McpFiles,
  ) {}

  onModuleInit(): void {
    this.globalLoad = this.reloadGlobal();
  }

  async onApplicationShutdown(): Promise<void> {
    const pools = await Promise.all([...this.projects.values()].map((p) => p.catch(() => undefined)));
    this.projects.clear();
    await Promise.all([...this.global.values(), ...pools.flatMap((p) => (p ? [...p.connections.values()] : []))].map((c) => c.close()));
    this.global.clear();
  }

  get enabled(): boolean {
    return !this.file.disabled;
  }

  get truncation(): McpTruncation {
    return effectiveTruncation(this.file);
  }

  /** Re-reads mcp.json: removed or changed entries are closed, new or changed ones connect in the background. */
  private async reloadGlobal(): Promise<void> {
    const wasDisabled = !!this.file.disabled;
    this.file = await this.files.readGlobal();
    const wanted = this.file.servers;
    for (const [name, conn] of this.global) {
      const next = wanted[name];
      if (!next || !sameConfig(next, conn.config) || conn.gate !== this.gateOf(next)) {
        this.global.delete(name);
        await conn.close();
      }
    }
    for (const [name, cfg] of Object.entries(wanted)) {
      if (this.global.has(name)) continue;
      const conn = this.connection(name, 'global', cfg, this.gateOf(cfg));
      this.global.set(name, conn);
      conn.start();
    }
    // The master switch applies to project pools too: they reload from their files on next use.
    if (wasDisabled !== !!this.file.disabled) await this.unloadAllProjects();
  }

  private gateOf(cfg: McpServerConfig, trusted = true): McpConnection['gate'] {
    if (this.file.disabled || cfg.enabled === false) return 'disabled';
    if (cfg.command && !trusted) return 'trust_required';
    return undefined;
  }

  private connection(name: string, scope: McpScope, config: McpServerConfig, gate: McpConnection['gate'], project?: ProjectLocation) {
    return new McpConnection({
      name,
      scope,
      config,
      gate,
      logger: this.logger,
      clientVersion: CLIENT_VERSION,
      ...(project ? { projectId: project.id, defaultCwd: project.path } : {}),
    });
  }

  private async unloadAllProjects(): Promise<void> {
    const ids = [...this.projects.keys()];
    await Promise.all(ids.map((id) => this.unloadProject(id)));
  }

  private async unloadProject(projectId: string): Promise<void> {
    const pool = await this.projects.get(projectId)?.catch(() => undefined);
    this.projects.delete(projectId);
    if (pool) await Promise.all([...pool.connections.values()].map((c) => c.close()));
  }

  /** The project's pool, loading `.mcp.json` the first time (stdio entries gated on trust). */
  private projectPool(project: ProjectLocation): Promise<ProjectPool> {
    let pool = this.projects.get(project.id);
    if (!pool) {
      pool = this.loadProject(project);
      this.projects.set(project.id, pool);
      pool.catch(() => this.projects.delete(project.id));
    }
    return pool;
  }

  private async loadProject(project: ProjectLocation): Promise<ProjectPool> {
    await this.globalLoad;
    const servers = await this.files.readProject(project.id, project.path);
    const trusted = await this.files.isTrusted(project.id);
    const connections = new Map<string, McpConnection>();
    for (const [name, cfg] of Object.entries(servers)) {
      const conn = this.connection(name, 'project', cfg, this.gateOf(cfg, trusted), project);
      connections.set(name, conn);
      conn.start();
    }
    return { path: project.path, connections };
  }

  /** Global ∪ project connections, the project's entry winning a name both have. */
  private async effective(project?: ProjectLocation): Promise<McpConnection[]> {
    await this.globalLoad;
    const byName = new Map(this.global);
    if (project) for (const [name, conn] of (await this.projectPool(project)).connections) byName.set(name, conn);
    return [...byName.values()];
  }

  // --- sessions and the tool bridge ---

  /** The connected servers for a new session, after waiting at most SESSION_WAIT_MS for ones still connecting. */
  async forSession(project: ProjectLocation): Promise<McpConnection[]> {
    await this.globalLoad;
    if (this.file.disabled) return [];
    const conns = await this.effective(project);
    await Promise.all(conns.map((c) => c.settled(SESSION_WAIT_MS)));
    return conns.filter((c) => c.state === 'connected');
  }

  /** The connection serving `server` for this project now (connections are replaced on reload). */
  async connectionFor(project: ProjectLocation, server: string): Promise<McpConnection | undefined> {
    return (await this.effective(project)).find((c) => c.name === server);
  }

  // --- the API (gRPC handler) ---

  async settings(): Promise<McpSettingsView> {
    await this.globalLoad;
    const global = [...this.global.values()];
    return {
      enabled: !this.file.disabled,
      connected: global.filter((c) => c.state === 'connected').length,
      total: global.length,
      truncation: this.truncation,
    };
  }

  async putSettings(change: { enabled?: boolean; truncation?: Partial<McpTruncation> }): Promise<McpSettingsView> {
    await this.files.updateGlobal((file) => {
      if (change.enabled !== undefined) file.disabled = !change.enabled;
      if (change.truncation) file.truncation = { ...effectiveTruncation(file), ...change.truncation };
    });
    await (this.globalLoad = this.reloadGlobal());
    return this.settings();
  }

  async listServers(
    project?: ProjectLocation,
  ): Promise<{ servers: Record<string, McpServerConfig>; status: McpStatusEntry[]; trusted?: boolean }> {
    await this.globalLoad;
    const servers = Object.fromEntries(Object.entries(this.file.servers).map(([n, c]) => [n, redactServer(c)]));
    const status = [...this.global.values()].map(statusOf);
    if (!project) return { servers, status };
    const pool = await this.projectPool(project);
    status.push(...[...pool.connections.values()].map(statusOf));
    return { servers, status, trusted: await this.files.isTrusted(project.id) };
  }

  async putServer(name: string, config: McpServerConfig): Promise<void> {
    const problem = serverNameProblem(name) ?? serverConfigProblem(config);
    if (problem) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'mcp_invalid_config', problem);
    await this.files.updateGlobal((file) => {
      file.servers[name] = normalizeServer(keepRedactedValues(config, file.servers[name]));
    });
    await (this.globalLoad = this.reloadGlobal());
  }

  async deleteServer(name: string): Promise<boolean> {
    let removed = false;
    await this.files.updateGlobal((file) => {
      removed = name in file.servers;
      delete file.servers[name];
    });
    await (this.globalLoad = this.reloadGlobal());
    return removed;
  }

  /** Reconnects one server now and reports its state (NOT_FOUND mcp_server_not_found). */
  async probe(name: string, project?: ProjectLocation): Promise<McpStatusEntry> {
    const conn = (await this.effective(project)).find((c) => c.name === name);
    if (!conn) throw forgeError(GrpcStatus.NOT_FOUND, 'mcp_server_not_found', `no MCP server named ${name}`);
    await conn.reconnect();
    return statusOf(conn);
  }

  async tools(project: ProjectLocation): Promise<{ name: string; description: string }[]> {
    return (await this.servers(project)).flatMap((s) => s.tools.map((t) => ({ name: t.name, description: t.description })));
  }

  /** Servers with their bridged tools for a project (global ∪ project); the tools settings list these. */
  async servers(project?: ProjectLocation): Promise<McpCatalogServer[]> {
    return (await this.effective(project)).map((c) => ({
      server: c.name,
      scope: c.scope,
      ...(c.projectId ? { projectId: c.projectId } : {}),
      state: c.state,
      ...(c.lastError ? { lastError: c.lastError } : {}),
      tools:
        c.state === 'connected'
          ? c.tools.map((t) => ({ name: bridgedToolName(c.name, t.name), shortName: t.name, description: t.description }))
          : [],
    }));
  }

  /** Records trust and reloads the project pool, so its stdio entries start. */
  async trust(project: ProjectLocation): Promise<McpStatusEntry[]> {
    await this.files.setTrusted(project.id, true);
    await this.unloadProject(project.id);
    const pool = await this.projectPool(project);
    await Promise.all([...pool.connections.values()].map((c) => c.settled(SESSION_WAIT_MS)));
    return (await this.listServers(project)).status;
  }

  /** Clears trust and unloads the whole project pool (its stdio children stop). */
  async untrust(projectId: string): Promise<void> {
    await this.files.setTrusted(projectId, false);
    await this.unloadProject(projectId);
  }
}

function statusOf(c: McpConnection): McpStatusEntry {
  const cfg = c.config;
  return {
    scope: c.scope,
    ...(c.projectId ? { projectId: c.projectId } : {}),
    name: c.name,
    kind: cfg.url ? 'remote' : 'stdio',
    ...(cfg.url ? { url: cfg.url, transport: c.transport ?? cfg.transport ?? 'auto' } : { command: cfg.command, args: cfg.args ?? [] }),
    enabled: cfg.enabled !== false,
    state: c.state,
    toolCount: c.state === 'connected' ? c.tools.length : 0,
    ...(c.lastError && c.state === 'error' ? { lastError: c.lastError } : {}),
  };
}
