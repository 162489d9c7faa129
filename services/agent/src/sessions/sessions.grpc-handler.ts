// gRPC handlers for the session RPCs: unpack the request, call SessionsService (or
// SessionExporter), pack the answer.
import { Controller } from '@nestjs/common';
import { AgentRpc, EXPORT_FORMAT, SESSION_SEARCH_MATCH_KIND, TURN_DIFF_TOOL, type Handles } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { SessionsService } from './sessions.service.js';
import { SessionExporter } from './session-exporter.js';

@Controller()
export class SessionsGrpcHandler implements Handles<agent.AgentServiceController, SessionsGrpcHandler> {
  constructor(
    private readonly sessions: SessionsService,
    private readonly exporter: SessionExporter,
  ) {}

  @AgentRpc.method
  async createSession(req: agent.CreateSessionRequest): Promise<agent.CreateSessionResponse> {
    return { session: await this.sessions.create(req.project) };
  }

  @AgentRpc.method
  async listSessions(req: agent.ListSessionsRequest): Promise<agent.ListSessionsResponse> {
    return { sessions: await this.sessions.list(req.projects ?? []) };
  }

  @AgentRpc.method
  async getSession(req: agent.GetSessionRequest): Promise<agent.GetSessionResponse> {
    return { session: await this.sessions.describe(req.sessionId) };
  }

  @AgentRpc.method
  getMessages(req: agent.GetMessagesRequest): agent.GetMessagesResponse {
    return { messagesJson: JSON.stringify(this.sessions.messages(req.sessionId)) };
  }

  @AgentRpc.method
  renameSession(req: agent.RenameSessionRequest): agent.RenameSessionResponse {
    return { session: this.sessions.rename(req.sessionId, req.name) };
  }

  @AgentRpc.method
  async deleteSession(req: agent.DeleteSessionRequest): Promise<agent.DeleteSessionResponse> {
    await this.sessions.delete(req.sessionId);
    return {};
  }

  @AgentRpc.method
  async prompt(req: agent.PromptRequest): Promise<agent.PromptResponse> {
    return this.sessions.prompt(req);
  }

  @AgentRpc.method
  async steer(req: agent.SteerRequest): Promise<agent.SteerResponse> {
    await this.sessions.steer(req.sessionId, req.text, req.mode);
    return {};
  }

  @AgentRpc.method
  async abort(req: agent.AbortRequest): Promise<agent.AbortResponse> {
    await this.sessions.abort(req.sessionId);
    return {};
  }

  @AgentRpc.method
  async setModel(req: agent.SetModelRequest): Promise<agent.SetModelResponse> {
    return this.sessions.setModel(req.sessionId, req.provider, req.modelId);
  }

  @AgentRpc.method
  setThinkingLevel(req: agent.SetThinkingLevelRequest): agent.SetThinkingLevelResponse {
    return { level: this.sessions.setThinkingLevel(req.sessionId, req.level) };
  }

  @AgentRpc.method
  async getTree(req: agent.GetTreeRequest): Promise<agent.GetTreeResponse> {
    return { treeJson: JSON.stringify(await this.sessions.tree(req.sessionId)) };
  }

  @AgentRpc.method
  async fork(req: agent.ForkRequest): Promise<agent.ForkResponse> {
    return { session: await this.sessions.fork(req.sessionId, req.entryId) };
  }

  @AgentRpc.method
  async exportSession(req: agent.ExportSessionRequest): Promise<agent.ExportSessionResponse> {
    return this.exporter.export(req.sessionId, EXPORT_FORMAT.toWord(req.format) ?? '');
  }

  @AgentRpc.method
  async exec(req: agent.ExecRequest): Promise<agent.ExecResponse> {
    return this.sessions.exec(req.sessionId, req.command, req.excludeFromContext);
  }

  @AgentRpc.method
  async getContext(req: agent.GetContextRequest): Promise<agent.GetContextResponse> {
    return { contextJson: JSON.stringify(await this.sessions.context(req.sessionId)) };
  }

  @AgentRpc.method
  getTurnDiff(req: agent.GetTurnDiffRequest): agent.GetTurnDiffResponse {
    return { entries: this.sessions.turnDiff(req.sessionId).map((e) => ({ ...e, tool: TURN_DIFF_TOOL.toProto(e.tool) })) };
  }

  @AgentRpc.method
  async navigate(req: agent.NavigateRequest): Promise<agent.NavigateResponse> {
    return this.sessions.navigate(req);
  }

  @AgentRpc.method
  async compact(req: agent.CompactRequest): Promise<agent.CompactResponse> {
    return this.sessions.compact(req.sessionId, req.customInstructions);
  }

  @AgentRpc.method
  getCompactions(req: agent.GetCompactionsRequest): agent.GetCompactionsResponse {
    return { compactionsJson: JSON.stringify(this.sessions.compactions(req.sessionId)) };
  }

  @AgentRpc.method
  async searchSessions(req: agent.SearchSessionsRequest): Promise<agent.SearchSessionsResponse> {
    const { results, truncated } = await this.sessions.search(req);
    return {
      truncated,
      results: results.map((r) => ({ ...r, matches: r.matches.map((m) => ({ ...m, kind: SESSION_SEARCH_MATCH_KIND.toProto(m.kind) })) })),
    };
  }
}
