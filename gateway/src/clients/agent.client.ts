// The gateway's way to the agent service. StreamEvents is a raw grpc-js readable stream (not an
// Observable) so the SSE route can pause it and see when the service ends or drops it.
import { Inject, Injectable } from '@nestjs/common';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { AGENT_CONTRACT, type PromiseClient } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { QUICK_CALL_MS, ServiceClient } from './service-client.js';

/** Deadline of calls that wait for the SDK (abort, model switch, resume, export). */
const SLOW_CALL_MS = 60_000;

export type AgentEventStream = ClientReadableStream<agent.StreamEventsResponse>;
export type ProcessLogStream = ClientReadableStream<agent.ReadProcessLogResponse>;

/** Every AgentService RPC as a promise, except the event stream (a raw stream). */
@Injectable()
export class AgentClient
  extends ServiceClient<agent.AgentServiceClient>
  implements PromiseClient<agent.AgentServiceClient, 'streamEvents' | 'readProcessLog'>
{
  constructor(@Inject(CONFIG) config: ForgeConfig) {
    super(AGENT_CONTRACT, config.AGENT_GRPC_URL, config);
  }

  getStats(req: agent.GetStatsRequest = {}, timeoutMs = QUICK_CALL_MS): Promise<agent.GetStatsResponse> {
    return this.channel.unary('getStats', req, timeoutMs);
  }

  createSession(req: agent.CreateSessionRequest): Promise<agent.CreateSessionResponse> {
    return this.channel.unary('createSession', req, SLOW_CALL_MS);
  }

  listSessions(req: agent.ListSessionsRequest): Promise<agent.ListSessionsResponse> {
    return this.channel.unary('listSessions', req, SLOW_CALL_MS);
  }

  getSession(req: agent.GetSessionRequest): Promise<agent.GetSessionResponse> {
    return this.channel.unary('getSession', req, QUICK_CALL_MS);
  }

  getMessages(req: agent.GetMessagesRequest): Promise<agent.GetMessagesResponse> {
    return this.channel.unary('getMessages', req, QUICK_CALL_MS);
  }

  renameSession(req: agent.RenameSessionRequest): Promise<agent.RenameSessionResponse> {
    return this.channel.unary('renameSession', req, QUICK_CALL_MS);
  }

  getSandboxToolEnv(req: agent.GetSandboxToolEnvRequest): Promise<agent.GetSandboxToolEnvResponse> {
    return this.channel.unary('getSandboxToolEnv', req, QUICK_CALL_MS);
  }

  putSandboxToolEnv(req: agent.PutSandboxToolEnvRequest): Promise<agent.PutSandboxToolEnvResponse> {
    return this.channel.unary('putSandboxToolEnv', req, QUICK_CALL_MS);
  }

  deleteProjectSessions(req: agent.DeleteProjectSessionsRequest): Promise<agent.DeleteProjectSessionsResponse> {
    return this.channel.unary('deleteProjectSessions', req, SLOW_CALL_MS);
  }

  deleteSession(req: agent.DeleteSessionRequest): Promise<agent.DeleteSessionResponse> {
    return this.channel.unary('deleteSession', req, SLOW_CALL_MS);
  }

  prompt(req: agent.PromptRequest): Promise<agent.PromptResponse> {
    return this.channel.unary('prompt', req, QUICK_CALL_MS);
  }

  steer(req: agent.SteerRequest): Promise<agent.SteerResponse> {
    return this.channel.unary('steer', req, QUICK_CALL_MS);
  }

  abort(req: agent.AbortRequest): Promise<agent.AbortResponse> {
    return this.channel.unary('abort', req, SLOW_CALL_MS);
  }

  setModel(req: agent.SetModelRequest): Promise<agent.SetModelResponse> {
    return this.channel.unary('setModel', req, SLOW_CALL_MS);
  }

  setThinkingLevel(req: agent.SetThinkingLevelRequest): Promise<agent.SetThinkingLevelResponse> {
    return this.channel.unary('setThinkingLevel', req, SLOW_CALL_MS);
  }

  getTree(req: agent.GetTreeRequest): Promise<agent.GetTreeResponse> {
    return this.channel.unary('getTree', req, SLOW_CALL_MS);
  }

  fork(req: agent.ForkRequest): Promise<agent.ForkResponse> {
    return this.channel.unary('fork', req, SLOW_CALL_MS);
  }

  exportSession(req: agent.ExportSessionRequest): Promise<agent.ExportSessionResponse> {
    return this.channel.unary('exportSession', req, SLOW_CALL_MS);
  }

  exec(req: agent.ExecRequest): Promise<agent.ExecResponse> {
    return this.channel.unary('exec', req, SLOW_CALL_MS);
  }

  getContext(req: agent.GetContextRequest): Promise<agent.GetContextResponse> {
    return this.channel.unary('getContext', req, SLOW_CALL_MS);
  }

  getTurnDiff(req: agent.GetTurnDiffRequest): Promise<agent.GetTurnDiffResponse> {
    return this.channel.unary('getTurnDiff', req, QUICK_CALL_MS);
  }

  /** Navigation may summarize a branch with the model: up to 10 minutes (docs/compatibility.md#sessions). */
  navigate(req: agent.NavigateRequest): Promise<agent.NavigateResponse> {
    return this.channel.unary('navigate', req, 11 * 60_000);
  }

  /** Compaction asks the model for a summary: up to 5 minutes (docs/compatibility.md#sessions). */
  compact(req: agent.CompactRequest): Promise<agent.CompactResponse> {
    return this.channel.unary('compact', req, 6 * 60_000);
  }

  getCompactions(req: agent.GetCompactionsRequest): Promise<agent.GetCompactionsResponse> {
    return this.channel.unary('getCompactions', req, QUICK_CALL_MS);
  }

  searchSessions(req: agent.SearchSessionsRequest): Promise<agent.SearchSessionsResponse> {
    return this.channel.unary('searchSessions', req, QUICK_CALL_MS);
  }

  /** Opens a session's event stream; no deadline (it lives as long as the SSE client). */
  streamEvents(req: agent.StreamEventsRequest): AgentEventStream {
    return this.channel.serverStream('streamEvents', req);
  }

  getAuthConfig(req: agent.GetAuthConfigRequest = {}): Promise<agent.GetAuthConfigResponse> {
    return this.channel.unary('getAuthConfig', req, QUICK_CALL_MS);
  }

  putAuthKey(req: agent.PutAuthKeyRequest): Promise<agent.PutAuthKeyResponse> {
    return this.channel.unary('putAuthKey', req, QUICK_CALL_MS);
  }

  deleteAuthKey(req: agent.DeleteAuthKeyRequest): Promise<agent.DeleteAuthKeyResponse> {
    return this.channel.unary('deleteAuthKey', req, QUICK_CALL_MS);
  }

  listProviders(req: agent.ListProvidersRequest = {}): Promise<agent.ListProvidersResponse> {
    return this.channel.unary('listProviders', req, SLOW_CALL_MS);
  }

  getModelsConfig(req: agent.GetModelsConfigRequest = {}): Promise<agent.GetModelsConfigResponse> {
    return this.channel.unary('getModelsConfig', req, QUICK_CALL_MS);
  }

  putModelsConfig(req: agent.PutModelsConfigRequest): Promise<agent.PutModelsConfigResponse> {
    return this.channel.unary('putModelsConfig', req, QUICK_CALL_MS);
  }

  getSettings(req: agent.GetSettingsRequest = {}): Promise<agent.GetSettingsResponse> {
    return this.channel.unary('getSettings', req, QUICK_CALL_MS);
  }

  putSettings(req: agent.PutSettingsRequest): Promise<agent.PutSettingsResponse> {
    return this.channel.unary('putSettings', req, QUICK_CALL_MS);
  }

  // --- process tool ---

  listProcesses(req: agent.ListProcessesRequest): Promise<agent.ListProcessesResponse> {
    return this.channel.unary('listProcesses', req, QUICK_CALL_MS);
  }

  startProcess(req: agent.StartProcessRequest): Promise<agent.StartProcessResponse> {
    return this.channel.unary('startProcess', req, QUICK_CALL_MS);
  }

  getProcessOutput(req: agent.GetProcessOutputRequest): Promise<agent.GetProcessOutputResponse> {
    return this.channel.unary('getProcessOutput', req, QUICK_CALL_MS);
  }

  /** A raw stream: the route pipes it to the socket at the socket's pace. */
  readProcessLog(req: agent.ReadProcessLogRequest): ProcessLogStream {
    return this.channel.serverStream('readProcessLog', req, 10 * 60_000);
  }

  /** The stop sequence takes up to 7 s (SIGTERM, 5 s, SIGKILL, 2 s). */
  killProcess(req: agent.KillProcessRequest): Promise<agent.KillProcessResponse> {
    return this.channel.unary('killProcess', req, SLOW_CALL_MS);
  }

  clearProcesses(req: agent.ClearProcessesRequest): Promise<agent.ClearProcessesResponse> {
    return this.channel.unary('clearProcesses', req, QUICK_CALL_MS);
  }

  writeProcessStdin(req: agent.WriteProcessStdinRequest): Promise<agent.WriteProcessStdinResponse> {
    return this.channel.unary('writeProcessStdin', req, QUICK_CALL_MS);
  }

  // skills, prompt templates and tool toggles: listing loads the project's resources (and extensions) through the SDK.
  listSkills(req: agent.ListSkillsRequest): Promise<agent.ListSkillsResponse> {
    return this.channel.unary('listSkills', req, SLOW_CALL_MS);
  }

  setSkillEnabled(req: agent.SetSkillEnabledRequest): Promise<agent.SetSkillEnabledResponse> {
    return this.channel.unary('setSkillEnabled', req, SLOW_CALL_MS);
  }

  clearSkillOverride(req: agent.ClearSkillOverrideRequest): Promise<agent.ClearSkillOverrideResponse> {
    return this.channel.unary('clearSkillOverride', req, SLOW_CALL_MS);
  }

  getSkillOverrides(req: agent.GetSkillOverridesRequest = {}): Promise<agent.GetSkillOverridesResponse> {
    return this.channel.unary('getSkillOverrides', req, QUICK_CALL_MS);
  }

  listPrompts(req: agent.ListPromptsRequest): Promise<agent.ListPromptsResponse> {
    return this.channel.unary('listPrompts', req, SLOW_CALL_MS);
  }

  setPromptEnabled(req: agent.SetPromptEnabledRequest): Promise<agent.SetPromptEnabledResponse> {
    return this.channel.unary('setPromptEnabled', req, SLOW_CALL_MS);
  }

  clearPromptOverride(req: agent.ClearPromptOverrideRequest): Promise<agent.ClearPromptOverrideResponse> {
    return this.channel.unary('clearPromptOverride', req, SLOW_CALL_MS);
  }

  getPromptOverrides(req: agent.GetPromptOverridesRequest = {}): Promise<agent.GetPromptOverridesResponse> {
    return this.channel.unary('getPromptOverrides', req, QUICK_CALL_MS);
  }

  listTools(req: agent.ListToolsRequest): Promise<agent.ListToolsResponse> {
    return this.channel.unary('listTools', req, SLOW_CALL_MS);
  }

  setToolEnabled(req: agent.SetToolEnabledRequest): Promise<agent.SetToolEnabledResponse> {
    return this.channel.unary('setToolEnabled', req, QUICK_CALL_MS);
  }

  clearToolOverride(req: agent.ClearToolOverrideRequest): Promise<agent.ClearToolOverrideResponse> {
    return this.channel.unary('clearToolOverride', req, QUICK_CALL_MS);
  }

  getToolOverrides(req: agent.GetToolOverridesRequest = {}): Promise<agent.GetToolOverridesResponse> {
    return this.channel.unary('getToolOverrides', req, QUICK_CALL_MS);
  }

  // --- MCP servers (probe and trust wait for connection attempts: up to 10 s each, so the slow deadline) ---

  getMcpSettings(req: agent.GetMcpSettingsRequest = {}): Promise<agent.GetMcpSettingsResponse> {
    return this.channel.unary('getMcpSettings', req, QUICK_CALL_MS);
  }

  putMcpSettings(req: agent.PutMcpSettingsRequest): Promise<agent.PutMcpSettingsResponse> {
    return this.channel.unary('putMcpSettings', req, SLOW_CALL_MS);
  }

  listMcpServers(req: agent.ListMcpServersRequest): Promise<agent.ListMcpServersResponse> {
    return this.channel.unary('listMcpServers', req, QUICK_CALL_MS);
  }

  putMcpServer(req: agent.PutMcpServerRequest): Promise<agent.PutMcpServerResponse> {
    return this.channel.unary('putMcpServer', req, SLOW_CALL_MS);
  }

  deleteMcpServer(req: agent.DeleteMcpServerRequest): Promise<agent.DeleteMcpServerResponse> {
    return this.channel.unary('deleteMcpServer', req, SLOW_CALL_MS);
  }

  probeMcpServer(req: agent.ProbeMcpServerRequest): Promise<agent.ProbeMcpServerResponse> {
    return this.channel.unary('probeMcpServer', req, SLOW_CALL_MS);
  }

  listMcpTools(req: agent.ListMcpToolsRequest): Promise<agent.ListMcpToolsResponse> {
    return this.channel.unary('listMcpTools', req, QUICK_CALL_MS);
  }

  trustMcpProject(req: agent.TrustMcpProjectRequest): Promise<agent.TrustMcpProjectResponse> {
    return this.channel.unary('trustMcpProject', req, SLOW_CALL_MS);
  }

  untrustMcpProject(req: agent.UntrustMcpProjectRequest): Promise<agent.UntrustMcpProjectResponse> {
    return this.channel.unary('untrustMcpProject', req, SLOW_CALL_MS);
  }

  // --- ask_user_question ---

  listPendingQuestions(req: agent.ListPendingQuestionsRequest): Promise<agent.ListPendingQuestionsResponse> {
    return this.channel.unary('listPendingQuestions', req, QUICK_CALL_MS);
  }

  answerQuestion(req: agent.AnswerQuestionRequest): Promise<agent.AnswerQuestionResponse> {
    return this.channel.unary('answerQuestion', req, QUICK_CALL_MS);
  }

  listWebhooks(req: agent.ListWebhooksRequest): Promise<agent.ListWebhooksResponse> {
    return this.channel.unary('listWebhooks', req, QUICK_CALL_MS);
  }

  createWebhook(req: agent.CreateWebhookRequest): Promise<agent.CreateWebhookResponse> {
    return this.channel.unary('createWebhook', req, QUICK_CALL_MS);
  }

  updateWebhook(req: agent.UpdateWebhookRequest): Promise<agent.UpdateWebhookResponse> {
    return this.channel.unary('updateWebhook', req, QUICK_CALL_MS);
  }

  deleteWebhook(req: agent.DeleteWebhookRequest): Promise<agent.DeleteWebhookResponse> {
    return this.channel.unary('deleteWebhook', req, QUICK_CALL_MS);
  }

  testWebhook(req: agent.TestWebhookRequest): Promise<agent.TestWebhookResponse> {
    return this.channel.unary('testWebhook', req, QUICK_CALL_MS);
  }

  listWebhookDeliveries(req: agent.ListWebhookDeliveriesRequest): Promise<agent.ListWebhookDeliveriesResponse> {
    return this.channel.unary('listWebhookDeliveries', req, QUICK_CALL_MS);
  }

  // config backup and restore
  exportConfigFiles(req: agent.ExportConfigFilesRequest): Promise<agent.ExportConfigFilesResponse> {
    return this.channel.unary('exportConfigFiles', req, SLOW_CALL_MS);
  }

  importConfigFiles(req: agent.ImportConfigFilesRequest): Promise<agent.ImportConfigFilesResponse> {
    return this.channel.unary('importConfigFiles', req, SLOW_CALL_MS);
  }

  exportSkills(req: agent.ExportSkillsRequest = {}): Promise<agent.ExportSkillsResponse> {
    return this.channel.unary('exportSkills', req, SLOW_CALL_MS);
  }

  importSkills(req: agent.ImportSkillsRequest): Promise<agent.ImportSkillsResponse> {
    return this.channel.unary('importSkills', req, SLOW_CALL_MS);
  }
}
