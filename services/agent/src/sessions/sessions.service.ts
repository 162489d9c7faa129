// What the session RPCs do, apart from gRPC: preflight, naming, running prompts that outlive the
// request, model switches, forks (exports: SessionExporter). The SDK is reached through the AgentSdk port and the
// registry, so this is unit-tested with fakes (sessions.service.spec.ts).
import { Inject, Injectable } from '@nestjs/common';
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { CONFIG, GrpcStatus, LOGGER, forgeError, type ForgeConfig, type ServiceErrorCode } from '@pi-forge/runtime';
import { STREAMING_BEHAVIOR, THINKING_LEVEL } from '@pi-forge/proto';
import { StreamingBehavior, type ThinkingLevel } from '@pi-forge/proto/agent';
import type * as agent from '@pi-forge/proto/agent';
import { AGENT_SDK, type AgentSdk } from '../sdk/agent-sdk.port.js';
import { expandAtPaths } from './at-path.js';
import { sandboxPathPolicy } from '../tools/tool-path-policy.js';
import { SessionFiles } from './session-files.js';
import { SessionRegistry } from './session-registry.js';
import { liveSummary } from './session-summary.js';
import { isGenericName, titleFromPrompt } from './session-title.js';
import { compactionHistory, sessionTree } from './session-tree.js';
import { sessionContext } from './session-context.js';
import { searchSessions } from './session-search.js';
import { turnDiff } from './turn-diff.js';

const NAVIGATE_TIMEOUT_MS = 10 * 60_000;
const COMPACT_TIMEOUT_MS = 5 * 60_000;
const MUTATION_TIMEOUT_MS = 30_000;

/** SDK error messages → the contract's codes (fork/navigate/compact). */
export function sdkError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('{')) return err as Error; // already a forge error
  const m = message.toLowerCase();
  if (/entry .*not found/.test(m)) return forgeError(GrpcStatus.INVALID_ARGUMENT, 'entry_not_found', message);
  if (m.includes('already compacted')) return forgeError(GrpcStatus.INVALID_ARGUMENT, 'already_compacted', message);
  if (m.includes('nothing to compact')) return forgeError(GrpcStatus.INVALID_ARGUMENT, 'nothing_to_compact', message);
  if (m.includes('no model')) return forgeError(GrpcStatus.INVALID_ARGUMENT, 'no_model_configured', message);
  if (m.includes('no api key') || m.includes('no api provider registered'))
    return forgeError(GrpcStatus.INVALID_ARGUMENT, 'no_api_key', message);
  if (m.includes('compaction cancelled')) return forgeError(GrpcStatus.ABORTED, 'compaction_cancelled', message);
  return forgeError(GrpcStatus.INTERNAL, 'internal_error', message);
}

function isForgeError(err: unknown): boolean {
  return String((err as Error)?.message).startsWith('{');
}

export function withTimeout<T>(work: Promise<T>, ms: number, code: ServiceErrorCode): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(forgeError(GrpcStatus.DEADLINE_EXCEEDED, code, `no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class SessionsService {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly files: SessionFiles,
    @Inject(AGENT_SDK) private readonly sdk: AgentSdk,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) private readonly config: ForgeConfig,
  ) {}

  /** With the sandbox on, `@path` expansion obeys the file tools' path policy. */
  private async atPathScope(): Promise<((real: string) => Promise<boolean>) | undefined> {
    const policy = await sandboxPathPolicy(this.config);
    return policy ? (real) => policy.allows(real) : undefined;
  }

  async create(project: agent.ProjectRef | undefined): Promise<agent.SessionSummary> {
    if (!project?.id || !project.path) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_body', 'project id and path are required');
    return liveSummary(await this.registry.create(project));
  }

  list(projects: agent.ProjectRef[]): Promise<agent.SessionSummary[]> {
    return this.registry.list(projects);
  }

  describe(id: string): Promise<agent.SessionSummary> {
    return this.registry.describe(id);
  }

  messages(id: string): unknown[] {
    return this.registry.live(id).session.messages;
  }

  rename(id: string, name: string): agent.SessionSummary {
    const live = this.registry.live(id);
    live.session.setSessionName(name);
    return liveSummary(live);
  }

  delete(id: string): Promise<void> {
    return this.registry.delete(id);
  }

  /** Preflight, first-prompt title, then the run started and not awaited (docs/compatibility.md#sessions). */
  async prompt(req: agent.PromptRequest): Promise<{ sessionName?: string }> {
    const live = this.registry.live(req.sessionId);
    const { session } = live;
    const model = session.model;
    if (!model)
      throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'no_model_configured', 'no model is configured; add a provider and pick a model');
    if (!(await this.sdk.ensureAuth(session.modelRuntime, model.provider))) {
      throw forgeError(
        GrpcStatus.FAILED_PRECONDITION,
        'no_api_key',
        `no API key for provider ${model.provider}; set one with PUT /api/v1/config/auth/${model.provider}`,
      );
    }
    const behavior = STREAMING_BEHAVIOR.toWord(req.streamingBehavior) as 'steer' | 'followUp' | undefined;
    if (session.isStreaming && !behavior) {
      throw forgeError(
        GrpcStatus.FAILED_PRECONDITION,
        'session_busy',
        'a run is in progress; send streamingBehavior "steer" or "followUp" to queue this prompt',
      );
    }
    let sessionName: string | undefined;
    const hasUserMessage = session.messages.some((m) => (m as { role: string }).role === 'user');
    if (!hasUserMessage && isGenericName(session.sessionName)) {
      sessionName = titleFromPrompt(req.text);
      if (sessionName) {
        session.setSessionName(sessionName);
        this.registry.emit(live, { type: 'session_renamed', sessionId: live.id, projectId: live.projectId, name: sessionName });
      }
    }
    const images = (req.images ?? []).map((i) => ({
      type: 'image' as const,
      mimeType: i.mimeType,
      data: Buffer.from(i.data).toString('base64'),
    }));
    const expanded = await expandAtPaths(req.text, live.cwd, await this.atPathScope());
    const text = [...(req.textAttachments ?? []), expanded].join('\n\n');
    live.touch();
    // Fire and forget: the run belongs to this service, not to the request that started it.
    let running: Promise<void>;
    try {
      running = session.prompt(text, { streamingBehavior: behavior, images: images.length ? images : undefined });
    } catch (err) {
      running = Promise.reject(err);
    }
    running.catch((err: unknown) => {
      const errorMessage = err instanceof Error ? err.message : String(err);
      this.logger.warn({ sessionId: live.id, errorMessage }, 'prompt failed');
      this.registry.emit(live, { type: 'agent_end', sessionId: live.id, errorMessage });
    });
    return sessionName ? { sessionName } : {};
  }

  async steer(id: string, text: string, mode: StreamingBehavior): Promise<void> {
    const live = this.registry.live(id);
    const expanded = await expandAtPaths(text, live.cwd, await this.atPathScope());
    if (mode === StreamingBehavior.STREAMING_BEHAVIOR_FOLLOW_UP) await live.session.followUp(expanded);
    else await live.session.steer(expanded);
  }

  async abort(id: string): Promise<void> {
    await withTimeout(this.registry.live(id).session.abort(), MUTATION_TIMEOUT_MS, 'abort_timeout');
  }

  async setModel(id: string, provider: string, modelId: string): Promise<{ provider: string; modelId: string }> {
    const { session } = this.registry.live(id);
    const runtime = session.modelRuntime;
    if (runtime.getModels(provider).length === 0)
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'unknown_provider', `no provider ${provider}`);
    const model = runtime.getModel(provider, modelId);
    if (!model) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'unknown_model', `provider ${provider} has no model ${modelId}`);
    if (!(await this.sdk.ensureAuth(runtime, provider))) {
      throw forgeError(
        GrpcStatus.FAILED_PRECONDITION,
        'no_api_key',
        `no API key for provider ${provider}; set one with PUT /api/v1/config/auth/${provider}`,
      );
    }
    try {
      // Session-only by default in SDK 1.x: settings.json keeps the global default.
      await withTimeout(session.setModel(model), MUTATION_TIMEOUT_MS, 'set_model_timeout');
    } catch (err) {
      // Operators alert on this line (docs/deployment.md): the provider is rejecting the model.
      this.logger.warn({ sessionId: id, provider, modelId, errorMessage: (err as Error).message }, 'set model failed');
      if (isForgeError(err)) throw err;
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'set_model_failed', (err as Error).message);
    }
    return { provider: session.model?.provider ?? provider, modelId: session.model?.id ?? modelId };
  }

  setThinkingLevel(id: string, requested: ThinkingLevel): ThinkingLevel {
    const { session } = this.registry.live(id);
    const level = THINKING_LEVEL.toWord(requested);
    if (!level) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'set_thinking_level_failed', `unknown level ${requested}`);
    session.setThinkingLevel(level as never);
    return THINKING_LEVEL.toProto(session.thinkingLevel);
  }

  async tree(id: string): Promise<ReturnType<typeof sessionTree>> {
    const live = await this.registry.getOrResume(id);
    return sessionTree(live.session.sessionManager);
  }

  async fork(id: string, entryId: string): Promise<agent.SessionSummary> {
    const source = this.registry.live(id);
    const file = source.session.sessionFile;
    if (!file || !existsSync(file))
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'fork_failed', 'the session has nothing saved to fork yet');
    if (!source.session.sessionManager.getEntry(entryId))
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'entry_not_found', `no entry ${entryId}`);
    // A second manager on the same file does the extraction, so the live source is left untouched.
    const scratch = await this.sdk.openSessionManager(file, this.files.projectDir(source.projectId));
    const forkedPath = scratch.createBranchedSession(entryId);
    if (!forkedPath) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'fork_failed', 'the branch could not be written');
    const forked = await this.registry.open({ projectId: source.projectId, path: forkedPath });
    const base = source.session.sessionName;
    const taken = new Set(
      this.registry
        .all()
        .filter((l) => l.projectId === source.projectId)
        .map((l) => l.session.sessionName),
    );
    let name = base ? `${base} (clone)` : '(clone)';
    for (let n = 2; taken.has(name); n++) name = `${base ? `${base} ` : ''}(clone) ${n}`;
    forked.session.setSessionName(name);
    return liveSummary(forked);
  }

  async exec(id: string, command: string, excludeFromContext: boolean): Promise<agent.ExecResponse> {
    const live = this.registry.live(id);
    const started = performance.now();
    try {
      const result = await live.session.executeBash(command, undefined, {
        excludeFromContext,
        operations: await this.sdk.userBashOperations(),
      });
      return {
        ...(result.exitCode !== undefined && !result.cancelled ? { exitCode: result.exitCode } : {}),
        output: result.output,
        durationMs: Math.round(performance.now() - started),
        truncated: result.truncated,
        cancelled: result.cancelled,
      };
    } catch (err) {
      this.logger.warn({ err, sessionId: live.id }, 'exec failed');
      throw forgeError(GrpcStatus.INTERNAL, 'exec_failed', 'the command could not be run');
    }
  }

  async context(id: string): Promise<ReturnType<typeof sessionContext>> {
    const { session } = await this.registry.getOrResume(id);
    return sessionContext(session.messages, session.getContextUsage());
  }

  turnDiff(id: string): ReturnType<typeof turnDiff> {
    const live = this.registry.live(id);
    const messages = live.session.messages;
    // The latest run: from its start, else from the last user message.
    let from = live.runStartIndex;
    if (from <= 0 || from > messages.length) from = messages.map((m) => (m as { role: string }).role).lastIndexOf('user');
    return turnDiff(messages.slice(Math.max(0, from)));
  }

  async navigate(req: agent.NavigateRequest): Promise<agent.NavigateResponse> {
    const { session } = this.registry.live(req.sessionId);
    if (!session.sessionManager.getEntry(req.entryId))
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'entry_not_found', `no entry ${req.entryId}`);
    try {
      const result = await withTimeout(
        session.navigateTree(req.entryId, {
          summarize: req.summarize,
          ...(req.customInstructions ? { customInstructions: req.customInstructions } : {}),
          ...(req.label ? { label: req.label } : {}),
        }),
        NAVIGATE_TIMEOUT_MS,
        'navigate_timeout',
      );
      return {
        cancelled: result.cancelled,
        ...(result.aborted !== undefined ? { aborted: result.aborted } : {}),
        ...(result.editorText !== undefined ? { editorText: result.editorText } : {}),
      };
    } catch (err) {
      throw sdkError(err);
    }
  }

  async compact(id: string, customInstructions: string): Promise<agent.CompactResponse> {
    const { session } = this.registry.live(id);
    try {
      const result = await withTimeout(session.compact(customInstructions || undefined), COMPACT_TIMEOUT_MS, 'compact_timeout');
      return { summary: result.summary ?? '', tokensBefore: result.tokensBefore ?? 0, tokensAfter: result.estimatedTokensAfter ?? 0 };
    } catch (err) {
      throw sdkError(err);
    }
  }

  compactions(id: string): ReturnType<typeof compactionHistory> {
    const { session } = this.registry.live(id);
    return compactionHistory(session.sessionManager, session.messages);
  }

  async search(req: agent.SearchSessionsRequest): Promise<Awaited<ReturnType<typeof searchSessions>>> {
    if (!req.query || req.query.length > 256)
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_query', 'q must be 1 to 256 characters');
    const clamp = (v: number, lo: number, hi: number, d: number) => (v ? Math.min(hi, Math.max(lo, v)) : d);
    try {
      return await searchSessions(
        this.config.SESSION_DIR,
        (req.projects ?? []).map((p) => p.id),
        req.query,
        clamp(req.sessionLimit, 1, 200, 50),
        clamp(req.matchesPerSession, 1, 50, 5),
      );
    } catch (err) {
      this.logger.error({ err }, 'session search failed');
      throw forgeError(GrpcStatus.INTERNAL, 'search_failed', 'the search could not be completed');
    }
  }
}
