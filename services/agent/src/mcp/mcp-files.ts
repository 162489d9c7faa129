// The MCP files on disk (contract §7.2): `${FORGE_DATA_DIR}/mcp.json` and `mcp-stdio-trust.json` (both 0600,
// written atomically, one write at a time), and a project's read-only `<project>/.mcp.json`.
import { Inject, Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, writeJsonAtomic, type ForgeConfig } from '@pi-forge/runtime';
import { MCP_FILE, parseMcpFile, PROJECT_MCP_FILE, serializeMcpFile, serversOf, type McpFile, type McpServerConfig } from './mcp-config.js';

export const TRUST_FILE = 'mcp-stdio-trust.json';

interface TrustFile {
  projects: Record<string, { trustedAt: string }>;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

@Injectable()
export class McpFiles {
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private get dir(): string {
    return this.config.FORGE_DATA_DIR;
  }

  /** One read-modify-write at a time, so two PUTs never lose each other's change. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  async readGlobal(): Promise<McpFile> {
    const parsed = parseMcpFile(await readText(join(this.dir, MCP_FILE)).catch(() => undefined));
    for (const s of parsed.skipped) this.logger.warn({ server: s.name, problem: s.problem }, 'mcp.json entry skipped');
    return { disabled: parsed.disabled, truncation: parsed.truncation, servers: parsed.servers };
  }

  /** Applies `change` to the stored file and writes the result (0600). */
  updateGlobal(change: (file: McpFile) => McpFile | void): Promise<McpFile> {
    return this.serial(async () => {
      const file = await this.readGlobal();
      const next = change(file) ?? file;
      await writeJsonAtomic(join(this.dir, MCP_FILE), serializeMcpFile(next), { mode: 0o600 });
      return next;
    });
  }

  /** A project's `.mcp.json` servers; a missing file is none, a broken one is logged and none. */
  async readProject(projectId: string, projectPath: string): Promise<Record<string, McpServerConfig>> {
    let text: string | undefined;
    try {
      text = await readText(join(projectPath, PROJECT_MCP_FILE));
    } catch (err) {
      this.logger.warn({ err, projectId }, '.mcp.json unreadable; no project MCP servers');
      return {};
    }
    if (text === undefined) return {};
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      this.logger.warn({ projectId }, '.mcp.json is not JSON; no project MCP servers');
      return {};
    }
    const { servers, skipped } = serversOf(doc);
    for (const s of skipped) this.logger.warn({ projectId, server: s.name, problem: s.problem }, '.mcp.json entry skipped');
    return servers;
  }

  private async readTrust(): Promise<TrustFile> {
    try {
      const doc = JSON.parse((await readText(join(this.dir, TRUST_FILE))) ?? '{}') as Partial<TrustFile>;
      return { projects: typeof doc.projects === 'object' && doc.projects ? doc.projects : {} };
    } catch {
      return { projects: {} };
    }
  }

  async isTrusted(projectId: string): Promise<boolean> {
    return !!(await this.readTrust()).projects[projectId];
  }

  setTrusted(projectId: string, trusted: boolean): Promise<void> {
    return this.serial(async () => {
      const file = await this.readTrust();
      if (trusted) file.projects[projectId] = { trustedAt: new Date().toISOString() };
      else delete file.projects[projectId];
      await writeJsonAtomic(join(this.dir, TRUST_FILE), file, { mode: 0o600 });
    });
  }
}
