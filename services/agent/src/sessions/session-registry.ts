// The lifecycle of live sessions: create, resume (deduplicated per id), open (forks), dispose and
// delete, and what every SDK event does to a session (docs/compatibility.md#sse-streams). The SDK sits behind the
// AgentSdk port; which sessions are loaded is LiveSessions, where their files are is SessionFiles.
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { GrpcStatus, LOGGER, forgeError } from '@pi-forge/runtime';
import type { SessionSummary } from '@pi-forge/proto/agent';
import type { AgentSessionEvent, SessionManager } from '../sdk/pi-sdk.js';
import { AGENT_SDK, type AgentSdk } from '../sdk/agent-sdk.port.js';
import { SystemPromptAddenda } from '../system-prompt/system-prompt-addenda.js';
import { ForgeTools, type ForgeEmitOptions, type ForgeEvent, type ForgeToolContext } from '../forge-tools/forge-tools.js';
import { SessionEventBus, type SessionRef } from './session-event-bus.js';
import { LiveSession } from './live-session.js';
import { LiveSessions } from './live-sessions.js';
import { SessionFiles, sessionNotFound, type SessionFile } from './session-files.js';
import { liveSummary } from './session-summary.js';
import { nextNewSessionName } from './session-title.js';
import { agentEndError, FORWARDED_EVENTS } from './session-events.js';

const ABORT_ON_DISPOSE_MS = 5_000;
/** A settled session keeps its replay buffer this long (reconnects after a blip), then frees it. */
const REPLAY_IDLE_MS = 10 * 60_000;
/** The tool pi-subagents registers. */
const SUBAGENT_TOOL = 'subagent';

export interface ProjectRef {
  id: string;
  path: string;
}

@Injectable()
export class SessionRegistry implements OnApplicationShutdown {
  private readonly resuming = new Map<string, Promise<LiveSession>>();

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(AGENT_SDK) private readonly sdk: AgentSdk,
    private readonly sessions: LiveSessions,
    private readonly files: SessionFiles,
    private readonly addenda: SystemPromptAddenda,
    private readonly forgeTools: ForgeTools,
    private readonly bus: SessionEventBus,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  all(): LiveSession[] {
    return this.sessions.all();
  }

  /** A live session, or NOT_FOUND session_not_found. */
  live(id: string): LiveSession {
    return this.sessions.get(id);
  }

  async create(project: ProjectRef): Promise<LiveSession> {
    if (!existsSync(project.path)) throw forgeError(GrpcStatus.NOT_FOUND, 'project_not_found', 'the project folder does not exist');
    const dir = this.files.projectDir(project.id);
    await mkdir(dir, { recursive: true });
    const taken = [
      ...this.sessions.inProject(project.id).map((l) => l.session.sessionName),
      ...(await this.files.list(project.id)).map((s) => s.name),
    ];
    const live = await this.build({ projectId: project.id }, await this.sdk.newSessionManager(project.path, dir));
    live.session.setSessionName(nextNewSessionName(taken));
    this.emit(live, { type: 'session_created', sessionId: live.id, projectId: project.id, workspacePath: project.path });
    this.logger.info({ sessionId: live.id, projectId: project.id }, 'session created');
    return live;
  }

  /** The live session, resuming it from its JSONL when it is only on disk. */
  async getOrResume(id: string): Promise<LiveSession> {
    const live = this.sessions.find(id);
    if (live) return live;
    this.sessions.assertNotTombstoned(id);
    let pending = this.resuming.get(id);
    if (!pending) {
      pending = this.resume(id).finally(() => this.resuming.delete(id));
      this.resuming.set(id, pending);
    }
    return pending;
  }

  /** Opens a session file as a new live session (fork results). */
  async open(file: SessionFile): Promise<LiveSession> {
    return this.build(file, await this.sdk.openSessionManager(file.path, dirname(file.path)));
  }

  private async resume(id: string): Promise<LiveSession> {
    const found = await this.files.find(id);
    if (!found) throw sessionNotFound();
    try {
      const live = await this.open(found);
      this.logger.info({ sessionId: id, projectId: found.projectId }, 'session resumed from disk');
      return live;
    } catch (err) {
      this.logger.error({ err, sessionId: id }, 'resume failed');
      throw forgeError(GrpcStatus.INTERNAL, 'resume_failed', 'the session file could not be loaded');
    }
  }

  /** Live and on-disk sessions of these projects; live values win except for message counts. */
  async list(projects: ProjectRef[]): Promise<SessionSummary[]> {
    const out = new Map<string, SessionSummary>();
    for (const project of projects) {
      const summaries = await this.files.list(project.id).catch((err: unknown) => {
        this.logger.warn({ err, projectId: project.id }, 'listing sessions failed; project skipped');
        return [] as SessionSummary[];
      });
      for (const s of summaries) out.set(s.sessionId, s);
    }
    const wanted = new Set(projects.map((p) => p.id));
    for (const live of this.sessions.all()) {
      if (!wanted.has(live.projectId)) continue;
      const disk = out.get(live.id);
      const summary = liveSummary(live);
      out.set(live.id, disk ? { ...summary, messageCount: disk.messageCount, firstMessage: disk.firstMessage, path: disk.path } : summary);
    }
    return [...out.values()].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
  }

  /** Summary of a live session, else of its file, else NOT_FOUND. */
  async describe(id: string): Promise<SessionSummary> {
    const live = this.sessions.find(id);
    return live ? liveSummary(live) : this.files.describe(id);
  }

  /** Aborts (bounded), disposes and archives a session; NOT_FOUND when it exists nowhere. */
  async delete(id: string): Promise<void> {
    const live = this.sessions.find(id);
    // Looked up before the archive moves the file, so session_deleted still names the project.
    const onDisk = live ? undefined : await this.files.find(id);
    const file = live ? live.session.sessionFile : onDisk?.path;
    if (live) await this.dispose(live);
    if (!live && !file) throw sessionNotFound();
    if (file) await this.files.archive(id, file);
    const projectId = live?.projectId ?? onDisk?.projectId ?? '';
    this.bus.publish(
      { sessionId: id, projectId, cwd: live?.cwd ?? '' },
      { type: 'session_deleted', sessionId: id, projectId, wasLive: !!live },
    );
    this.logger.info({ sessionId: id }, 'session deleted');
  }

  private async dispose(live: LiveSession): Promise<void> {
    this.sessions.remove(live.id);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([live.session.abort().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ABORT_ON_DISPOSE_MS)))]);
    clearTimeout(timer);
    clearTimeout(live.replayTimer);
    live.unsubscribe();
    live.log.close();
    live.session.dispose();
    await this.disposeForgeTools(live.id);
  }

  /**
   * Unloads an idle session to free its memory (docs/agent-service.md#long-runs): no tombstone, no
   * archive; the next call that needs it resumes it from its JSONL. False when it is busy after all.
   */
  async evict(live: LiveSession): Promise<boolean> {
    if (this.sessions.find(live.id) !== live || live.session.isStreaming || live.log.subscriberCount > 0) return false;
    if (this.forgeTools.holdsSession(live.id)) return false;
    this.sessions.unload(live.id);
    clearTimeout(live.replayTimer);
    live.unsubscribe();
    live.log.close();
    live.session.dispose();
    await this.disposeForgeTools(live.id);
    this.logger.info({ sessionId: live.id, projectId: live.projectId }, 'idle session unloaded');
    return true;
  }

  /** True when nothing needs the session loaded right now (eviction candidates). */
  isIdle(live: LiveSession): boolean {
    return !live.session.isStreaming && live.log.subscriberCount === 0 && !this.forgeTools.holdsSession(live.id);
  }

  async onApplicationShutdown(): Promise<void> {
    // A graceful stop aborts runs so the SDK writes their partial messages; a kill -9 cannot, and
    // then only the last completed entry survives, which is what the JSONL guarantees.
    const live = this.sessions.all();
    await Promise.all(live.map((l) => l.session.abort().catch(() => undefined)));
    // Forge tools stop what they own (background processes, pending questions) with the service.
    await Promise.all(live.map((l) => this.disposeForgeTools(l.id)));
  }

  private disposeForgeTools(sessionId: string): Promise<void> {
    return this.forgeTools.disposeSession(sessionId, (family, err) =>
      this.logger.warn({ err, sessionId, family }, 'forge tool family failed to dispose a session'),
    );
  }

  /** A forge-native event: into the session's stream and onto the bus (nothing once the session is gone). */
  emit(live: LiveSession, event: ForgeEvent, options: ForgeEmitOptions = {}): void {
    if (this.sessions.find(live.id) !== live) return;
    if (event.type !== 'session_created' && !options.publishOnly) live.log.append(event);
    this.bus.publish(refOf(live), event, (err) => this.logger.warn({ err, sessionId: live.id }, 'session event listener failed'));
  }

  private async build(
    file: Pick<SessionFile, 'projectId' | 'parentSessionId' | 'runId'>,
    sessionManager: SessionManager,
  ): Promise<LiveSession> {
    const sessionId = sessionManager.getSessionId();
    // The context finds the session by id, so it answers for whichever LiveSession holds the id now.
    const ctx: ForgeToolContext = {
      sessionId,
      projectId: file.projectId,
      cwd: sessionManager.getCwd(),
      emit: (event, options) => {
        const current = this.sessions.find(sessionId);
        if (current) this.emit(current, event, options);
      },
      live: () => this.sessions.find(sessionId),
    };
    const session = await this.sdk.buildSession({
      sessionManager,
      projectId: file.projectId,
      appendSystemPrompt: await this.addenda.forProject(file.projectId),
      forgeTools: await this.forgeTools.toolsFor(ctx),
    });
    const header = sessionManager.getHeader();
    const live = new LiveSession(file.projectId, session, header?.timestamp ?? new Date().toISOString());
    if (file.parentSessionId) {
      live.parentSessionId = file.parentSessionId;
      live.runId = file.runId;
    }
    const path = session.sessionFile;
    if (path && existsSync(path)) live.lastActivityAt = statSync(path).mtime.toISOString();
    live.unsubscribe = session.subscribe((e) => this.onEvent(live, e));
    this.sessions.add(live);
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
        const failed = { ...event, errorMessage };
        live.log.append(failed);
        this.bus.publish(refOf(live), failed, (err) => this.logger.warn({ err, sessionId: live.id }, 'session event listener failed'));
        return;
      }
    }
    // Forwarded as emitted, `message_update.assistantMessageEvent.partial` included (docs/compatibility.md#sse-streams).
    live.log.append(event);
    this.bus.publish(refOf(live), event, (err) => this.logger.warn({ err, sessionId: live.id }, 'session event listener failed'));
    if ((event.type === 'tool_execution_start' || event.type === 'tool_execution_end') && event.toolName === SUBAGENT_TOOL) {
      // A sub-agent child appears or finishes: clients refetch the session list (docs/compatibility.md#sse-streams).
      const reason = event.type === 'tool_execution_start' ? 'subagent_start' : 'subagent_end';
      live.log.append({ type: 'session_list_changed', reason, projectId: live.projectId, sessionId: live.id });
    }
  }
}

function refOf(live: LiveSession): SessionRef {
  return { sessionId: live.id, projectId: live.projectId, cwd: live.cwd };
}
