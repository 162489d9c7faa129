// gRPC handlers for the session routes: thin wrappers over the registry and the SDK session.
import { Controller, Inject } from '@nestjs/common';
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { CONFIG, GrpcStatus, LOGGER, forgeError, sandboxIdentity, type ForgeConfig, type ServiceErrorCode } from '@pi-forge/runtime';
import { AgentRpc, STREAMING_BEHAVIOR, THINKING_LEVEL, type Handles } from '@pi-forge/proto';
import { StreamingBehavior } from '@pi-forge/proto/agent';
import type * as agent from '@pi-forge/proto/agent';
import { SessionManager } from '../sdk/pi-sdk.js';
import { ModelCatalog } from '../provider-config/model-catalog.js';
import { expandAtPaths } from './at-path.js';
import { SessionRegistry } from './session-registry.js';
import { isGenericName, titleFromPrompt } from './session-title.js';
import { compactionHistory, exportFileName, exportJsonl, exportMarkdown, sessionTree } from './session-tree.js';
import { sessionContext } from './session-context.js';
import { searchSessions } from './session-search.js';
import { turnDiff } from './turn-diff.js';
import { userExecOperations } from '../tools/user-exec.js';

const NAVIGATE_TIMEOUT_MS = 10 * 60_000;
const COMPACT_TIMEOUT_MS = 5 * 60_000;

/** SDK error messages → the contract's codes (fork/navigate/compact). */
function sdkError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('{')) return err as Error; // already a forge error
  const m = message.toLowerCase();
  if (/entry .*not found/.test(m)) return forgeError(GrpcStatus.INVALID_ARGUMENT, 'entry_not_found', message);
  if (m.includes('already compacted')) return forgeError(GrpcStatus.INVALID_ARGUMENT, 'already_compacted', message);
  if (m.includes('nothing to compact')) return forgeError(GrpcStatus.INVALID_ARGUMENT, 'nothing_to_compact', message);
  if (m.includes('no model')) return forgeError(GrpcStatus.INVALID_ARGUMENT, 'no_model_configured', message);
  if (m.includes('no api key') || m.includes('no api provider registered')) return forgeError(GrpcStatus.INVALID_ARGUMENT, 'no_api_key', message);
  if (m.includes('compaction cancelled')) return forgeError(GrpcStatus.ABORTED, 'compaction_cancelled', message);
  return forgeError(GrpcStatus.INTERNAL, 'internal_error', message);
}

const MUTATION_TIMEOUT_MS = 30_000;

function withTimeout<T>(work: Promise<T>, ms: number, code: ServiceErrorCode): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(forgeError(GrpcStatus.DEADLINE_EXCEEDED, code, `no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

@Controller()
export class SessionsGrpcHandler implements Handles<agent.AgentServiceController, SessionsGrpcHandler> {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly catalog: ModelCatalog,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) private readonly config: ForgeConfig,
  ) {}

  @AgentRpc.method
  async createSession(req: agent.CreateSessionRequest): Promise<agent.CreateSessionResponse> {
    if (!req.project?.id || !req.project.path) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_body', 'project id and path are required');
    const live = await this.registry.create(req.project);
    return { session: this.registry.summary(live) };
  }

  @AgentRpc.method
  async listSessions(req: agent.ListSessionsRequest): Promise<agent.ListSessionsResponse> {
    return { sessions: await this.registry.list(req.projects ?? []) };
  }

  @AgentRpc.method
  async getSession(req: agent.GetSessionRequest): Promise<agent.GetSessionResponse> {
    return { session: await this.registry.describe(req.sessionId) };
  }

  @AgentRpc.method
  getMessages(req: agent.GetMessagesRequest): agent.GetMessagesResponse {
    return { messagesJson: JSON.stringify(this.registry.live(req.sessionId).session.messages) };
  }

  @AgentRpc.method
  renameSession(req: agent.RenameSessionRequest): agent.RenameSessionResponse {
    const live = this.registry.live(req.sessionId);
    live.session.setSessionName(req.name);
    return { session: this.registry.summary(live) };
  }

  @AgentRpc.method
  async deleteSession(req: agent.DeleteSessionRequest): Promise<agent.DeleteSessionResponse> {
    await this.registry.delete(req.sessionId);
    return {};
  }

  @AgentRpc.method
  async prompt(req: agent.PromptRequest): Promise<agent.PromptResponse> {
    const live = this.registry.live(req.sessionId);
    const { session } = live;
    const model = session.model;
    if (!model) throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'no_model_configured', 'no model is configured; add a provider and pick a model');
    if (!(await this.catalog.ensureAuth(session.modelRuntime, model.provider))) {
      throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'no_api_key', `no API key for provider ${model.provider}; set one with PUT /api/v1/config/auth/${model.provider}`);
    }
    const behavior = STREAMING_BEHAVIOR.toWord(req.streamingBehavior) as 'steer' | 'followUp' | undefined;
    if (session.isStreaming && !behavior) {
      throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'session_busy', 'a run is in progress; send streamingBehavior "steer" or "followUp" to queue this prompt');
    }
    let sessionName: string | undefined;
    const hasUserMessage = session.messages.some((m) => (m as { role: string }).role === 'user');
    if (!hasUserMessage && isGenericName(session.sessionName)) {
      sessionName = titleFromPrompt(req.text);
      if (sessionName) {
        session.setSessionName(sessionName);
        live.log.append({ type: 'session_renamed', sessionId: live.id, projectId: live.projectId, name: sessionName });
      }
    }
    const images = (req.images ?? []).map((i) => ({ type: 'image' as const, mimeType: i.mimeType, data: Buffer.from(i.data).toString('base64') }));
    const expanded = await expandAtPaths(req.text, live.cwd);
    const text = [...(req.textAttachments ?? []), expanded].join('\n\n');
    live.touch();
    // Fire and forget: the run belongs to this service, not to the request that started it.
    session.prompt(text, { streamingBehavior: behavior, images: images.length ? images : undefined }).catch((err: unknown) => {
      const errorMessage = err instanceof Error ? err.message : String(err);
      this.logger.warn({ sessionId: live.id, errorMessage }, 'prompt failed');
      live.log.append({ type: 'agent_end', sessionId: live.id, errorMessage });
    });
    return sessionName ? { sessionName } : {};
  }

  @AgentRpc.method
  async steer(req: agent.SteerRequest): Promise<agent.SteerResponse> {
    const live = this.registry.live(req.sessionId);
    const text = await expandAtPaths(req.text, live.cwd);
    if (req.mode === StreamingBehavior.STREAMING_BEHAVIOR_FOLLOW_UP) await live.session.followUp(text);
    else await live.session.steer(text);
    return {};
  }

  @AgentRpc.method
  async abort(req: agent.AbortRequest): Promise<agent.AbortResponse> {
    const { session } = this.registry.live(req.sessionId);
    await withTimeout(session.abort(), MUTATION_TIMEOUT_MS, 'abort_timeout');
    return {};
  }

  @AgentRpc.method
  async setModel(req: agent.SetModelRequest): Promise<agent.SetModelResponse> {
    const { session } = this.registry.live(req.sessionId);
    const runtime = session.modelRuntime;
    if (runtime.getModels(req.provider).length === 0) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'unknown_provider', `no provider ${req.provider}`);
    const model = runtime.getModel(req.provider, req.modelId);
    if (!model) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'unknown_model', `provider ${req.provider} has no model ${req.modelId}`);
    if (!(await this.catalog.ensureAuth(runtime, req.provider))) {
      throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'no_api_key', `no API key for provider ${req.provider}; set one with PUT /api/v1/config/auth/${req.provider}`);
    }
    try {
      // Session-only by default in SDK 1.x: settings.json keeps the global default.
      await withTimeout(session.setModel(model), MUTATION_TIMEOUT_MS, 'set_model_timeout');
    } catch (err) {
      if (String((err as Error).message).startsWith('{')) throw err;
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'set_model_failed', (err as Error).message);
    }
    return { provider: session.model?.provider ?? req.provider, modelId: session.model?.id ?? req.modelId };
  }

  @AgentRpc.method
  setThinkingLevel(req: agent.SetThinkingLevelRequest): agent.SetThinkingLevelResponse {
    const { session } = this.registry.live(req.sessionId);
    const level = THINKING_LEVEL.toWord(req.level);
    if (!level) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'set_thinking_level_failed', `unknown level ${req.level}`);
    session.setThinkingLevel(level as never);
    return { level: THINKING_LEVEL.toProto(session.thinkingLevel) };
  }

  @AgentRpc.method
  async getTree(req: agent.GetTreeRequest): Promise<agent.GetTreeResponse> {
    const live = await this.registry.getOrResume(req.sessionId);
    return { treeJson: JSON.stringify(sessionTree(live.session.sessionManager)) };
  }

  @AgentRpc.method
  async fork(req: agent.ForkRequest): Promise<agent.ForkResponse> {
    const source = this.registry.live(req.sessionId);
    const file = source.session.sessionFile;
    if (!file || !existsSync(file)) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'fork_failed', 'the session has nothing saved to fork yet');
    if (!source.session.sessionManager.getEntry(req.entryId)) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'entry_not_found', `no entry ${req.entryId}`);
    // A second manager on the same file does the extraction, so the live source is left untouched.
    const scratch = SessionManager.open(file, this.registry.projectDir(source.projectId));
    const forkedPath = scratch.createBranchedSession(req.entryId);
    if (!forkedPath) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'fork_failed', 'the branch could not be written');
    const forked = await this.registry.open(source.projectId, forkedPath);
    const base = source.session.sessionName;
    const taken = new Set(this.registry.all().filter((l) => l.projectId === source.projectId).map((l) => l.session.sessionName));
    let name = base ? `${base} (clone)` : '(clone)';
    for (let n = 2; taken.has(name); n++) name = `${base ? `${base} ` : ''}(clone) ${n}`;
    forked.session.setSessionName(name);
    return { session: this.registry.summary(forked) };
  }

  @AgentRpc.method
  async exportSession(req: agent.ExportSessionRequest): Promise<agent.ExportSessionResponse> {
    if (req.format !== 'jsonl' && req.format !== 'markdown') throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_format', 'format must be jsonl or markdown');
    const live = await this.registry.getOrResume(req.sessionId);
    const sm = live.session.sessionManager;
    const name = live.session.sessionName;
    return req.format === 'jsonl'
      ? { content: exportJsonl(sm), fileName: exportFileName(name, live.id, 'jsonl') }
      : { content: exportMarkdown(sm, name ?? `Session ${live.id}`), fileName: exportFileName(name, live.id, 'md') };
  }

  @AgentRpc.method
  async exec(req: agent.ExecRequest): Promise<agent.ExecResponse> {
    const live = this.registry.live(req.sessionId);
    const started = performance.now();
    try {
      const result = await live.session.executeBash(req.command, undefined, {
        excludeFromContext: req.excludeFromContext,
        operations: userExecOperations(this.config.inheritedEnv, this.config.TERMINAL_PASSTHROUGH_ENV ?? [], undefined, sandboxIdentity(this.config)),
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

  @AgentRpc.method
  async getContext(req: agent.GetContextRequest): Promise<agent.GetContextResponse> {
    const { session } = await this.registry.getOrResume(req.sessionId);
    return { contextJson: JSON.stringify(sessionContext(session.messages, session.getContextUsage())) };
  }

  @AgentRpc.method
  getTurnDiff(req: agent.GetTurnDiffRequest): agent.GetTurnDiffResponse {
    const live = this.registry.live(req.sessionId);
    const messages = live.session.messages;
    // The latest run: from its start, else from the last user message.
    let from = live.runStartIndex;
    if (from <= 0 || from > messages.length) {
      from = messages.map((m) => (m as { role: string }).role).lastIndexOf('user');
    }
    return { entries: turnDiff(messages.slice(Math.max(0, from))) };
  }

  @AgentRpc.method
  async navigate(req: agent.NavigateRequest): Promise<agent.NavigateResponse> {
    const { session } = this.registry.live(req.sessionId);
    if (!session.sessionManager.getEntry(req.entryId)) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'entry_not_found', `no entry ${req.entryId}`);
    try {
      const result = await withTimeout(session.navigateTree(req.entryId, {
        summarize: req.summarize,
        ...(req.customInstructions ? { customInstructions: req.customInstructions } : {}),
        ...(req.label ? { label: req.label } : {}),
      }), NAVIGATE_TIMEOUT_MS, 'navigate_timeout');
      return { cancelled: result.cancelled, ...(result.aborted !== undefined ? { aborted: result.aborted } : {}), ...(result.editorText !== undefined ? { editorText: result.editorText } : {}) };
    } catch (err) {
      throw sdkError(err);
    }
  }

  @AgentRpc.method
  async compact(req: agent.CompactRequest): Promise<agent.CompactResponse> {
    const { session } = this.registry.live(req.sessionId);
    try {
      const result = await withTimeout(session.compact(req.customInstructions || undefined), COMPACT_TIMEOUT_MS, 'compact_timeout');
      return { summary: result.summary ?? '', tokensBefore: result.tokensBefore ?? 0, tokensAfter: result.estimatedTokensAfter ?? 0 };
    } catch (err) {
      throw sdkError(err);
    }
  }

  @AgentRpc.method
  getCompactions(req: agent.GetCompactionsRequest): agent.GetCompactionsResponse {
    const { session } = this.registry.live(req.sessionId);
    return { compactionsJson: JSON.stringify(compactionHistory(session.sessionManager, session.messages)) };
  }

  @AgentRpc.method
  async searchSessions(req: agent.SearchSessionsRequest): Promise<agent.SearchSessionsResponse> {
    if (!req.query || req.query.length > 256) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_query', 'q must be 1 to 256 characters');
    const clamp = (v: number, lo: number, hi: number, d: number) => (v ? Math.min(hi, Math.max(lo, v)) : d);
    try {
      const { results, truncated } = await searchSessions(this.config.SESSION_DIR, (req.projects ?? []).map((p) => p.id), req.query,
        clamp(req.sessionLimit, 1, 200, 50), clamp(req.matchesPerSession, 1, 50, 5));
      return { resultsJson: JSON.stringify(results), truncated };
    } catch (err) {
      this.logger.error({ err }, 'session search failed');
      throw forgeError(GrpcStatus.INTERNAL, 'search_failed', 'the search could not be completed');
    }
  }
}
