// Every session this service holds, keyed by session id, and the one recipe that builds an SDK
// AgentSession for a new, resumed or forked session. Session files are the SDK's JSONL under
// `${SESSION_DIR}/<projectId>/`; a session not in memory is found there and resumed on demand.
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { CONFIG, GrpcStatus, LOGGER, forgeError, readToolEnv, sandboxEnv, sandboxIdentity, type ForgeConfig } from '@pi-forge/runtime';
import { ThinkingLevel, type SessionSummary } from '@pi-forge/proto/agent';
import { THINKING_LEVEL } from '@pi-forge/proto';
import {
  createAgentSession, createBashToolDefinition, DefaultResourceLoader, SessionManager, SettingsManager,
  type AgentSessionEvent, type SessionInfo, type ToolDefinition,
} from '../sdk/pi-sdk.js';
import { ModelCatalog } from '../provider-config/model-catalog.js';
import { scrubToolEnv } from '../tools/tool-env.js';
import { sandboxedShellOperations } from '../tools/sandboxed-shell.js';
import { LiveSession } from './live-session.js';
import { nextNewSessionName } from './session-title.js';
import { agentEndError, firstUserText, FORWARDED_EVENTS } from './session-events.js';

const TOOLS = ['read', 'bash', 'edit', 'write', 'grep', 'find', 'ls'];
const SESSION_ID = /^[0-9a-zA-Z-]{8,64}$/;
const TOMBSTONE_MS = 1_500;
const ABORT_ON_DISPOSE_MS = 5_000;
/** A settled session keeps its replay buffer this long (reconnects after a blip), then frees it. */
const REPLAY_IDLE_MS = 10 * 60_000;
/** Deleted sessions stay in the archive this long (docs/compatibility.md#sessions). */
const ARCHIVE_KEEP_MS = 7 * 24 * 3600_000;

export interface ProjectRef { id: string; path: string }

export function sessionNotFound(): Error {
  return forgeError(GrpcStatus.NOT_FOUND, 'session_not_found', 'no live session with that id');
}

@Injectable()
export class SessionRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly resuming = new Map<string, Promise<LiveSession>>();
  private readonly tombstones = new Map<string, number>();

  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly catalog: ModelCatalog,
  ) {}

  /** Purges archived sessions older than a week; a failure here never blocks the service. */
  async onModuleInit(): Promise<void> {
    const dir = this.archiveDir;
    const names = await readdir(dir).catch(() => [] as string[]);
    const cutoff = Date.now() - ARCHIVE_KEEP_MS;
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < cutoff) await rm(path, { recursive: true, force: true }).catch((err: unknown) => this.logger.warn({ err, path }, 'archive purge failed'));
    }
  }

  private get archiveDir(): string {
    return join(this.config.FORGE_DATA_DIR, 'archived-sessions');
  }

  get size(): number {
    return this.sessions.size;
  }

  all(): LiveSession[] {
    return [...this.sessions.values()];
  }

  projectDir(projectId: string): string {
    return join(this.config.SESSION_DIR, projectId);
  }

  /** A live session, or NOT_FOUND session_not_found. */
  live(id: string): LiveSession {
    const live = this.sessions.get(id);
    if (!live) throw sessionNotFound();
    return live;
  }

  async create(project: ProjectRef): Promise<LiveSession> {
    if (!existsSync(project.path)) throw forgeError(GrpcStatus.NOT_FOUND, 'project_not_found', 'the project folder does not exist');
    const dir = this.projectDir(project.id);
    await mkdir(dir, { recursive: true });
    const taken = [
      ...this.all().filter((l) => l.projectId === project.id).map((l) => l.session.sessionName),
      ...(await this.listDir(dir)).map((i) => i.name),
    ];
    const live = await this.build(project.id, SessionManager.create(project.path, dir));
    live.session.setSessionName(nextNewSessionName(taken));
    this.logger.info({ sessionId: live.id, projectId: project.id }, 'session created');
    return live;
  }

  /** The live session, resuming it from its JSONL when it is only on disk. */
  async getOrResume(id: string): Promise<LiveSession> {
    const live = this.sessions.get(id);
    if (live) return live;
    const until = this.tombstones.get(id);
    if (until && until > Date.now()) throw forgeError(GrpcStatus.NOT_FOUND, 'session_tombstoned', 'the session was just deleted');
    let pending = this.resuming.get(id);
    if (!pending) {
      pending = this.resume(id).finally(() => this.resuming.delete(id));
      this.resuming.set(id, pending);
    }
    return pending;
  }

  /** Opens a session file as a new live session (fork results). */
  async open(projectId: string, file: string): Promise<LiveSession> {
    return this.build(projectId, SessionManager.open(file, dirname(file)));
  }

  private async resume(id: string): Promise<LiveSession> {
    const found = await this.findFile(id);
    if (!found) throw sessionNotFound();
    try {
      const live = await this.open(found.projectId, found.path);
      this.logger.info({ sessionId: id, projectId: found.projectId }, 'session resumed from disk');
      return live;
    } catch (err) {
      this.logger.error({ err, sessionId: id }, 'resume failed');
      throw forgeError(GrpcStatus.INTERNAL, 'resume_failed', 'the session file could not be loaded');
    }
  }

  /** The JSONL of a session id anywhere under SESSION_DIR (`<projectId>/<time>_<id>.jsonl`). */
  async findFile(id: string): Promise<{ projectId: string; path: string } | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const projects = await readdir(this.config.SESSION_DIR, { withFileTypes: true }).catch(() => []);
    for (const p of projects) {
      if (!p.isDirectory()) continue;
      const files = await readdir(join(this.config.SESSION_DIR, p.name)).catch(() => [] as string[]);
      const hit = files.find((f) => f.endsWith(`_${id}.jsonl`));
      if (hit) return { projectId: p.name, path: join(this.config.SESSION_DIR, p.name, hit) };
    }
    return undefined;
  }

  async listDir(dir: string): Promise<SessionInfo[]> {
    if (!existsSync(dir)) return [];
    return SessionManager.listAll(dir);
  }

  /** Live and on-disk sessions of these projects; live values win except for message counts. */
  async list(projects: ProjectRef[]): Promise<SessionSummary[]> {
    const out = new Map<string, SessionSummary>();
    for (const project of projects) {
      const infos = await this.listDir(this.projectDir(project.id)).catch((err: unknown) => {
        this.logger.warn({ err, projectId: project.id }, 'listing sessions failed; project skipped');
        return [] as SessionInfo[];
      });
      for (const info of infos) out.set(info.id, diskSummary(project.id, info));
    }
    const wanted = new Set(projects.map((p) => p.id));
    for (const live of this.sessions.values()) {
      if (!wanted.has(live.projectId)) continue;
      const disk = out.get(live.id);
      const summary = this.summary(live);
      out.set(live.id, disk ? { ...summary, messageCount: disk.messageCount, firstMessage: disk.firstMessage, path: disk.path } : summary);
    }
    return [...out.values()].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
  }

  /** Summary of a live session, else of its file, else NOT_FOUND. */
  async describe(id: string): Promise<SessionSummary> {
    const live = this.sessions.get(id);
    if (live) return this.summary(live);
    const found = await this.findFile(id);
    if (!found) throw sessionNotFound();
    const info = (await this.listDir(dirname(found.path))).find((i) => i.id === id);
    if (!info) throw sessionNotFound();
    return diskSummary(found.projectId, info);
  }

  summary(live: LiveSession): SessionSummary {
    const s = live.session;
    const file = s.sessionFile;
    const messages = s.messages.filter((m) => (m as { role: string }).role !== 'system');
    return {
      sessionId: live.id,
      projectId: live.projectId,
      workspacePath: live.cwd,
      createdAt: live.createdAt,
      lastActivityAt: live.lastActivityAt,
      isLive: true,
      messageCount: messages.length,
      isStreaming: s.isStreaming,
      name: s.sessionName,
      thinkingLevel: THINKING_LEVEL.toProto(s.thinkingLevel),
      modelProvider: s.model?.provider,
      modelId: s.model?.id,
      firstMessage: firstUserText(messages),
      path: file && existsSync(file) ? file : undefined,
    };
  }

  /** Aborts (bounded), disposes and archives a session; NOT_FOUND when it exists nowhere. */
  async delete(id: string): Promise<void> {
    const live = this.sessions.get(id);
    let file = live?.session.sessionFile;
    if (live) await this.dispose(live);
    else file = (await this.findFile(id))?.path;
    if (!live && !file) throw sessionNotFound();
    if (file && existsSync(file)) {
      try {
        await mkdir(this.archiveDir, { recursive: true });
        const target = join(this.archiveDir, basename(file));
        await rename(file, target);
        // The archive's clock starts now, not at the session's last write.
        const now = new Date();
        await utimes(target, now, now);
      } catch (err) {
        this.logger.error({ err, sessionId: id }, 'archiving the session file failed');
        throw forgeError(GrpcStatus.INTERNAL, 'session_delete_failed', 'the session file could not be archived');
      }
    }
    this.logger.info({ sessionId: id }, 'session deleted');
  }

  private async dispose(live: LiveSession): Promise<void> {
    const now = Date.now();
    for (const [id, until] of this.tombstones) if (until <= now) this.tombstones.delete(id);
    this.tombstones.set(live.id, now + TOMBSTONE_MS);
    this.sessions.delete(live.id);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([live.session.abort().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ABORT_ON_DISPOSE_MS)))]);
    clearTimeout(timer);
    clearTimeout(live.replayTimer);
    live.unsubscribe();
    live.log.close();
    live.session.dispose();
  }

  async onApplicationShutdown(): Promise<void> {
    // A graceful stop aborts runs so the SDK writes their partial messages; a kill -9 cannot, and
    // then only the last completed entry survives, which is what the JSONL guarantees.
    await Promise.all(this.all().map((l) => l.session.abort().catch(() => undefined)));
  }

  private async build(projectId: string, sessionManager: SessionManager): Promise<LiveSession> {
    const cwd = sessionManager.getCwd();
    const agentDir = this.config.PI_CONFIG_DIR;
    const settingsManager = SettingsManager.create(cwd, agentDir);
    // Extensions execute code in this process: a project's .pi/extensions must not run here.
    const resourceLoader = new DefaultResourceLoader({ cwd, agentDir, settingsManager, noExtensions: true, noThemes: true });
    await resourceLoader.reload();
    const passthrough = this.config.TERMINAL_PASSTHROUGH_ENV ?? [];
    // In sandbox mode the tool runs as the tool identity with the operator's tool env (§5.15, C7).
    const identity = sandboxIdentity(this.config);
    const bash = createBashToolDefinition(cwd, identity
      ? { operations: sandboxedShellOperations(identity), spawnHook: (c) => ({ ...c, env: { ...scrubToolEnv(c.env, passthrough), ...readToolEnv(this.config.FORGE_DATA_DIR), ...sandboxEnv(identity) } }) }
      : { spawnHook: (c) => ({ ...c, env: scrubToolEnv(c.env, passthrough) }) });
    const { session } = await createAgentSession({
      cwd, agentDir, modelRuntime: await this.catalog.runtime(), settingsManager, resourceLoader, sessionManager,
      customTools: [bash as unknown as ToolDefinition], tools: TOOLS,
    });
    const header = sessionManager.getHeader();
    const live = new LiveSession(projectId, session, header?.timestamp ?? new Date().toISOString());
    const file = session.sessionFile;
    if (file && existsSync(file)) live.lastActivityAt = statSync(file).mtime.toISOString();
    live.unsubscribe = session.subscribe((e) => this.onEvent(live, e));
    this.sessions.set(live.id, live);
    return live;
  }

  private onEvent(live: LiveSession, event: AgentSessionEvent): void {
    live.touch();
    if (event.type === 'agent_start') {
      live.runStartIndex = live.session.messages.length;
      clearTimeout(live.replayTimer);
    }
    if (event.type === 'agent_settled') {
      clearTimeout(live.replayTimer);
      live.replayTimer = setTimeout(() => live.log.clearReplay(), REPLAY_IDLE_MS);
      live.replayTimer.unref();
    }
    if (!FORWARDED_EVENTS.has(event.type)) return;
    if (event.type === 'agent_end') {
      const errorMessage = agentEndError(event.messages);
      if (errorMessage) {
        this.logger.warn({ sessionId: live.id, errorMessage }, 'provider error');
        live.log.append({ ...event, errorMessage });
        return;
      }
    }
    if (event.type === 'message_update' && 'partial' in event.assistantMessageEvent) {
      // `partial` is the same message as the event's `message`; sending it twice doubles a
      // stream whose size already grows with the square of the answer length.
      live.log.append({ ...event, assistantMessageEvent: { ...event.assistantMessageEvent, partial: undefined } });
      return;
    }
    live.log.append(event);
  }
}

function diskSummary(projectId: string, info: SessionInfo): SessionSummary {
  return {
    sessionId: info.id,
    projectId,
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
  };
}
