// The gateway's way to the agent service. StreamEvents is a raw grpc-js readable stream (not an
// Observable) so the SSE route can pause it and see when the service ends or drops it.
import { Inject, Injectable } from '@nestjs/common';
import { Metadata, type ClientReadableStream } from '@grpc/grpc-js';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { AGENT_CONTRACT } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { QUICK_CALL_MS, ServiceClient } from './service-client.js';

/** Deadline of calls that wait for the SDK (abort, model switch, resume, export). */
const SLOW_CALL_MS = 60_000;

export type AgentEventStream = ClientReadableStream<agent.StreamEventsResponse>;

@Injectable()
export class AgentClient extends ServiceClient {
  constructor(@Inject(CONFIG) config: ForgeConfig) {
    super(AGENT_CONTRACT, config.AGENT_GRPC_URL, config);
  }

  getStats(timeoutMs = QUICK_CALL_MS): Promise<agent.GetStatsResponse> {
    return this.channel.unary('GetStats', {}, timeoutMs);
  }

  createSession(req: agent.CreateSessionRequest): Promise<agent.CreateSessionResponse> {
    return this.channel.unary('CreateSession', req, SLOW_CALL_MS);
  }

  listSessions(req: agent.ListSessionsRequest): Promise<agent.ListSessionsResponse> {
    return this.channel.unary('ListSessions', req, SLOW_CALL_MS);
  }

  getSession(sessionId: string): Promise<agent.GetSessionResponse> {
    return this.channel.unary('GetSession', { sessionId }, QUICK_CALL_MS);
  }

  getMessages(sessionId: string): Promise<agent.GetMessagesResponse> {
    return this.channel.unary('GetMessages', { sessionId }, QUICK_CALL_MS);
  }

  renameSession(req: agent.RenameSessionRequest): Promise<agent.RenameSessionResponse> {
    return this.channel.unary('RenameSession', req, QUICK_CALL_MS);
  }

  getSandboxToolEnv(): Promise<agent.GetSandboxToolEnvResponse> {
    return this.channel.unary('GetSandboxToolEnv', {}, QUICK_CALL_MS);
  }

  putSandboxToolEnv(toolEnv: Record<string, string>): Promise<agent.PutSandboxToolEnvResponse> {
    return this.channel.unary('PutSandboxToolEnv', { toolEnv }, QUICK_CALL_MS);
  }

  deleteProjectSessions(projectId: string): Promise<agent.DeleteProjectSessionsResponse> {
    return this.channel.unary('DeleteProjectSessions', { projectId }, SLOW_CALL_MS);
  }

  deleteSession(sessionId: string): Promise<agent.DeleteSessionResponse> {
    return this.channel.unary('DeleteSession', { sessionId }, SLOW_CALL_MS);
  }

  prompt(req: agent.PromptRequest): Promise<agent.PromptResponse> {
    return this.channel.unary('Prompt', req, QUICK_CALL_MS);
  }

  steer(req: agent.SteerRequest): Promise<agent.SteerResponse> {
    return this.channel.unary('Steer', req, QUICK_CALL_MS);
  }

  abort(sessionId: string): Promise<agent.AbortResponse> {
    return this.channel.unary('Abort', { sessionId }, SLOW_CALL_MS);
  }

  setModel(req: agent.SetModelRequest): Promise<agent.SetModelResponse> {
    return this.channel.unary('SetModel', req, SLOW_CALL_MS);
  }

  setThinkingLevel(req: agent.SetThinkingLevelRequest): Promise<agent.SetThinkingLevelResponse> {
    return this.channel.unary('SetThinkingLevel', req, SLOW_CALL_MS);
  }

  getTree(sessionId: string): Promise<agent.GetTreeResponse> {
    return this.channel.unary('GetTree', { sessionId }, SLOW_CALL_MS);
  }

  fork(req: agent.ForkRequest): Promise<agent.ForkResponse> {
    return this.channel.unary('Fork', req, SLOW_CALL_MS);
  }

  exportSession(req: agent.ExportSessionRequest): Promise<agent.ExportSessionResponse> {
    return this.channel.unary('ExportSession', req, SLOW_CALL_MS);
  }

  exec(req: agent.ExecRequest): Promise<agent.ExecResponse> {
    return this.channel.unary('Exec', req, SLOW_CALL_MS);
  }

  getContext(sessionId: string): Promise<agent.GetContextResponse> {
    return this.channel.unary('GetContext', { sessionId }, SLOW_CALL_MS);
  }

  getTurnDiff(sessionId: string): Promise<agent.GetTurnDiffResponse> {
    return this.channel.unary('GetTurnDiff', { sessionId }, QUICK_CALL_MS);
  }

  /** Navigation may summarize a branch with the model: up to 10 minutes (docs/compatibility.md#sessions). */
  navigate(req: agent.NavigateRequest): Promise<agent.NavigateResponse> {
    return this.channel.unary('Navigate', req, 11 * 60_000);
  }

  /** Compaction asks the model for a summary: up to 5 minutes (docs/compatibility.md#sessions). */
  compact(req: agent.CompactRequest): Promise<agent.CompactResponse> {
    return this.channel.unary('Compact', req, 6 * 60_000);
  }

  getCompactions(sessionId: string): Promise<agent.GetCompactionsResponse> {
    return this.channel.unary('GetCompactions', { sessionId }, QUICK_CALL_MS);
  }

  searchSessions(req: agent.SearchSessionsRequest): Promise<agent.SearchSessionsResponse> {
    return this.channel.unary('SearchSessions', req, QUICK_CALL_MS);
  }

  /** Opens a session's event stream; no deadline (it lives as long as the SSE client). */
  streamEvents(req: agent.StreamEventsRequest): AgentEventStream {
    return (this.channel.stub.StreamEvents as (r: agent.StreamEventsRequest, m: Metadata) => AgentEventStream).call(this.channel.stub, req, new Metadata());
  }

  getAuthConfig(): Promise<agent.GetAuthConfigResponse> {
    return this.channel.unary('GetAuthConfig', {}, QUICK_CALL_MS);
  }

  putAuthKey(req: agent.PutAuthKeyRequest): Promise<agent.PutAuthKeyResponse> {
    return this.channel.unary('PutAuthKey', req, QUICK_CALL_MS);
  }

  deleteAuthKey(provider: string): Promise<agent.DeleteAuthKeyResponse> {
    return this.channel.unary('DeleteAuthKey', { provider }, QUICK_CALL_MS);
  }

  listProviders(): Promise<agent.ListProvidersResponse> {
    return this.channel.unary('ListProviders', {}, SLOW_CALL_MS);
  }

  getModelsConfig(): Promise<agent.GetModelsConfigResponse> {
    return this.channel.unary('GetModelsConfig', {}, QUICK_CALL_MS);
  }

  putModelsConfig(providersJson: string): Promise<agent.PutModelsConfigResponse> {
    return this.channel.unary('PutModelsConfig', { providersJson }, QUICK_CALL_MS);
  }

  getSettings(): Promise<agent.GetSettingsResponse> {
    return this.channel.unary('GetSettings', {}, QUICK_CALL_MS);
  }

  putSettings(patchJson: string): Promise<agent.PutSettingsResponse> {
    return this.channel.unary('PutSettings', { patchJson }, QUICK_CALL_MS);
  }
}
