// The on-disk side of sessions: the SDK's JSONL files under `${SESSION_DIR}/<projectId>/`, the
// sub-agent children nested under their parent (`<projectId>/<parent file name>/…/<child>.jsonl`,
// docs/compatibility.md#sessions, as pi-subagents writes them) and the archive deleted sessions move to (S14).
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { Logger } from 'pino';
import { CONFIG, GrpcStatus, LOGGER, forgeError, type ForgeConfig } from '@pi-forge/runtime';
import { ThinkingLevel, type SessionSummary } from '@pi-forge/proto/agent';
import type { SessionInfo } from '../sdk/pi-sdk.js';
import { AGENT_SDK, type AgentSdk } from '../sdk/agent-sdk.port.js';

const SESSION_ID = /^[0-9a-zA-Z-]{8,64}$/;
/** Deleted sessions stay in the archive this long (docs/compatibility.md#sessions). */
const ARCHIVE_KEEP_MS = 7 * 24 * 3600_000;
/** How deep below its parent's folder a child session is looked for (docs/compatibility.md#on-disk-files). */
const CHILD_DEPTH = 4;
const SKIPPED_DIRS = new Set(['subagent-artifacts']);
/** A session header line fits in this many bytes (cwd, ids, timestamps, parent path). */
const HEADER_BYTES = 16 * 1024;

export interface SessionFile {
  projectId: string;
  path: string;
  /** Set for a sub-agent child: the session whose folder holds it, and its folder below that. */
  parentSessionId?: string;
  runId?: string;
}

/** `<time>_<id>.jsonl` → id. */
export function idOfFile(file: string): string | undefined {
  return /_([0-9a-zA-Z-]+)\.jsonl$/.exec(basename(file))?.[1];
}

/**
 * The session id of a file: from its name, else from its header line. pi-subagents names a
 * foreground child `<runId>/run-N/session.jsonl`, so only the header carries its id.
 */
export async function sessionIdOfFile(file: string): Promise<string | undefined> {
  const fromName = idOfFile(file);
  if (fromName) return fromName;
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEADER_BYTES), 0, HEADER_BYTES, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
    const header = JSON.parse(first) as { type?: unknown; id?: unknown };
    return header.type === 'session' && typeof header.id === 'string' && SESSION_ID.test(header.id) ? header.id : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** The folder a session's children live in: its file name without `.jsonl`. */
export function childDirOf(file: string): string {
  return file.replace(/\.jsonl$/, '');
}

export function sessionNotFound(): Error {
  return forgeError(GrpcStatus.NOT_FOUND, 'session_not_found', 'no live session with that id');
}

@Injectable()
export class SessionFiles implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(AGENT_SDK) private readonly sdk: AgentSdk,
  ) {}

  /** Purges archived sessions older than a week; a failure here never blocks the service. */
  async onModuleInit(): Promise<void> {
    const dir = this.archiveDir;
    const names = await readdir(dir).catch(() => [] as string[]);
    const cutoff = Date.now() - ARCHIVE_KEEP_MS;
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < cutoff)
        await rm(path, { recursive: true, force: true }).catch((err: unknown) => this.logger.warn({ err, path }, 'archive purge failed'));
    }
  }

  get archiveDir(): string {
    return join(this.config.FORGE_DATA_DIR, 'archived-sessions');
  }

  projectDir(projectId: string): string {
    return join(this.config.SESSION_DIR, projectId);
  }

  /** The JSONL of a session id anywhere under SESSION_DIR, children included. */
  async find(id: string): Promise<SessionFile | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const projects = await readdir(this.config.SESSION_DIR, { withFileTypes: true }).catch(() => []);
    for (const p of projects) {
      if (!p.isDirectory()) continue;
      for (const f of await this.projectFiles(p.name)) if ((await sessionIdOfFile(f.path)) === id) return f;
    }
    return undefined;
  }

  /** Every session file of a project: top-level ones and their children, parents first. */
  async projectFiles(projectId: string): Promise<SessionFile[]> {
    const dir = this.projectDir(projectId);
    const names = await readdir(dir).catch(() => [] as string[]);
    const out: SessionFile[] = [];
    for (const name of names.filter((n) => n.endsWith('.jsonl')).sort()) {
      const path = join(dir, name);
      out.push({ projectId, path });
      const parentSessionId = idOfFile(path);
      if (parentSessionId) await this.collectChildren(projectId, parentSessionId, childDirOf(path), childDirOf(path), 1, out);
    }
    return out;
  }

  private async collectChildren(
    projectId: string,
    parentSessionId: string,
    root: string,
    dir: string,
    depth: number,
    out: SessionFile[],
  ): Promise<void> {
    if (depth > CHILD_DEPTH) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, e.name);
      if (e.isFile() && e.name.endsWith('.jsonl')) out.push({ projectId, path, parentSessionId, runId: relative(root, dir) || '.' });
      else if (e.isDirectory() && !SKIPPED_DIRS.has(e.name))
        await this.collectChildren(projectId, parentSessionId, root, path, depth + 1, out);
    }
  }

  /** On-disk summaries of a project's sessions (children carry parentSessionId and runId). */
  async list(projectId: string): Promise<SessionSummary[]> {
    const files = await this.projectFiles(projectId);
    const byDir = new Map<string, SessionInfo[]>();
    const out: SessionSummary[] = [];
    for (const f of files) {
      const dir = dirname(f.path);
      let infos = byDir.get(dir);
      if (!infos) byDir.set(dir, (infos = existsSync(dir) ? await this.sdk.listSessions(dir) : []));
      const info = infos.find((i) => basename(i.path) === basename(f.path));
      if (info) out.push(diskSummary(f, info));
    }
    return out;
  }

  /** The on-disk summary of one session, else NOT_FOUND. */
  async describe(id: string): Promise<SessionSummary> {
    const found = await this.find(id);
    if (!found) throw sessionNotFound();
    const info = (await this.sdk.listSessions(dirname(found.path))).find((i) => basename(i.path) === basename(found.path));
    if (!info) throw sessionNotFound();
    return diskSummary(found, info);
  }

  /** Moves a session file and its children's folder into the archive (kept a week). */
  async archive(id: string, file: string): Promise<void> {
    try {
      await mkdir(this.archiveDir, { recursive: true });
      const now = new Date();
      for (const source of [file, childDirOf(file)]) {
        if (!existsSync(source)) continue;
        const target = join(this.archiveDir, basename(source));
        await rename(source, target);
        // The archive's clock starts now, not at the session's last write.
        await utimes(target, now, now);
      }
    } catch (err) {
      this.logger.error({ err, sessionId: id }, 'archiving the session file failed');
      throw forgeError(GrpcStatus.INTERNAL, 'session_delete_failed', 'the session file could not be archived');
    }
  }
}

export function diskSummary(file: Pick<SessionFile, 'projectId' | 'parentSessionId' | 'runId'>, info: SessionInfo): SessionSummary {
  return {
    sessionId: info.id,
    projectId: file.projectId,
    workspacePath: info.cwd,
    createdAt: info.created.toISOString(),
    thinkingLevel: ThinkingLevel.THINKING_LEVEL_UNSPECIFIED,
    lastActivityAt: info.modified.toISOString(),
    isLive: false,
    messageCount: info.messageCount,
    isStreaming: false,
    name: info.name,
    firstMessage: info.firstMessage,
    path: info.path,
    pendingQuestions: 0,
    ...(file.parentSessionId ? { parentSessionId: file.parentSessionId, runId: file.runId } : {}),
  };
}
