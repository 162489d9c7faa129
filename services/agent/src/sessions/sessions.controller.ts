// gRPC handlers for the session RPCs: unpack the request, call SessionsService (or SessionExporter), pack the answer.
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type * as agent from '@pi-forge/proto/agent';
import { SessionsService } from './sessions.service.js';
import { SessionExporter } from './session-exporter.js';

@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService, private readonly exporter: SessionExporter) {}

  @GrpcMethod('AgentService', 'CreateSession')
  async createSession(req: agent.CreateSessionRequest): Promise<agent.CreateSessionResponse> {
    return { session: await this.sessions.create(req.project) };
  }

  @GrpcMethod('AgentService', 'ListSessions')
  async listSessions(req: agent.ListSessionsRequest): Promise<agent.ListSessionsResponse> {
    return { sessions: await this.sessions.list(req.projects ?? []) };
  }

  @GrpcMethod('AgentService', 'GetSession')
  async getSession(req: agent.GetSessionRequest): Promise<agent.GetSessionResponse> {
    return { session: await this.sessions.describe(req.sessionId) };
  }

  @GrpcMethod('AgentService', 'GetMessages')
  getMessages(req: agent.GetMessagesRequest): agent.GetMessagesResponse {
    return { messagesJson: JSON.stringify(this.sessions.messages(req.sessionId)) };
  }

  @GrpcMethod('AgentService', 'RenameSession')
  renameSession(req: agent.RenameSessionRequest): agent.RenameSessionResponse {
    return { session: this.sessions.rename(req.sessionId, req.name) };
  }

  @GrpcMethod('AgentService', 'DeleteSession')
  async deleteSession(req: agent.DeleteSessionRequest): Promise<agent.DeleteSessionResponse> {
    await this.sessions.delete(req.sessionId);
    return {};
  }

  @GrpcMethod('AgentService', 'Prompt')
  async prompt(req: agent.PromptRequest): Promise<agent.PromptResponse> {
    return this.sessions.prompt(req);
  }

  @GrpcMethod('AgentService', 'Steer')
  async steer(req: agent.SteerRequest): Promise<agent.SteerResponse> {
    await this.sessions.steer(req.sessionId, req.text, req.mode);
    return {};
  }

  @GrpcMethod('AgentService', 'Abort')
  async abort(req: agent.AbortRequest): Promise<agent.AbortResponse> {
    await this.sessions.abort(req.sessionId);
    return {};
  }

  @GrpcMethod('AgentService', 'SetModel')
  async setModel(req: agent.SetModelRequest): Promise<agent.SetModelResponse> {
    return this.sessions.setModel(req.sessionId, req.provider, req.modelId);
  }

  @GrpcMethod('AgentService', 'SetThinkingLevel')
  setThinkingLevel(req: agent.SetThinkingLevelRequest): agent.SetThinkingLevelResponse {
    return { level: this.sessions.setThinkingLevel(req.sessionId, req.level) };
  }

  @GrpcMethod('AgentService', 'GetTree')
  async getTree(req: agent.GetTreeRequest): Promise<agent.GetTreeResponse> {
    return { treeJson: JSON.stringify(await this.sessions.tree(req.sessionId)) };
  }

  @GrpcMethod('AgentService', 'Fork')
  async fork(req: agent.ForkRequest): Promise<agent.ForkResponse> {
    return { session: await this.sessions.fork(req.sessionId, req.entryId) };
  }

  @GrpcMethod('AgentService', 'ExportSession')
  async exportSession(req: agent.ExportSessionRequest): Promise<agent.ExportSessionResponse> {
    return this.exporter.export(req.sessionId, req.format);
  }

  @GrpcMethod('AgentService', 'Exec')
  async exec(req: agent.ExecRequest): Promise<agent.ExecResponse> {
    return this.sessions.exec(req.sessionId, req.command, req.excludeFromContext);
  }

  @GrpcMethod('AgentService', 'GetContext')
  async getContext(req: agent.GetContextRequest): Promise<agent.GetContextResponse> {
    return { contextJson: JSON.stringify(await this.sessions.context(req.sessionId)) };
  }

  @GrpcMethod('AgentService', 'GetTurnDiff')
  getTurnDiff(req: agent.GetTurnDiffRequest): agent.GetTurnDiffResponse {
    return { entriesJson: JSON.stringify(this.sessions.turnDiff(req.sessionId)) };
  }

  @GrpcMethod('AgentService', 'Navigate')
  async navigate(req: agent.NavigateRequest): Promise<agent.NavigateResponse> {
    return this.sessions.navigate(req);
  }

  @GrpcMethod('AgentService', 'Compact')
  async compact(req: agent.CompactRequest): Promise<agent.CompactResponse> {
    return this.sessions.compact(req.sessionId, req.customInstructions);
  }

  @GrpcMethod('AgentService', 'GetCompactions')
  getCompactions(req: agent.GetCompactionsRequest): agent.GetCompactionsResponse {
    return { compactionsJson: JSON.stringify(this.sessions.compactions(req.sessionId)) };
  }

  @GrpcMethod('AgentService', 'SearchSessions')
  async searchSessions(req: agent.SearchSessionsRequest): Promise<agent.SearchSessionsResponse> {
    const { results, truncated } = await this.sessions.search(req);
    return { resultsJson: JSON.stringify(results), truncated };
  }
}
