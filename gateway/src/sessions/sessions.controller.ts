// Session REST routes (docs/compatibility.md#sessions): validate, resolve the project through the workspace
// service, call the agent service, shape the answer. The run itself lives in the agent service.
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionSummary } from '@pi-forge/proto/agent';
import { EXPORT_FORMAT, STREAMING_BEHAVIOR, THINKING_LEVEL, TURN_DIFF_TOOL } from '@pi-forge/proto';
import { AgentClient } from '../clients/agent.client.js';
import { WorkspaceClient } from '../clients/workspace.client.js';
import { RateLimit } from '../common/rate-limit.js';
import { BodyLimit } from '../common/route-options.js';
import { LARGE_BODY_LIMIT } from '../common/body-limits.js';
import { readPromptInput } from './prompt-input.js';
import {
  CompactDto,
  CreateSessionDto,
  ExecDto,
  ExportQueryDto,
  ForkDto,
  ListSessionsQueryDto,
  NavigateDto,
  RenameSessionDto,
  SetModelDto,
  SetThinkingLevelDto,
  SteerDto,
} from './sessions.dto.js';

/** Optional fields are left out rather than sent as null (docs/compatibility.md#http-conventions). */
function liveSummary(s: SessionSummary | undefined): Record<string, unknown> {
  if (!s) return {};
  const out: Record<string, unknown> = {
    sessionId: s.sessionId,
    projectId: s.projectId,
    workspacePath: s.workspacePath,
    createdAt: s.createdAt,
    lastActivityAt: s.lastActivityAt,
    isLive: s.isLive,
    messageCount: s.messageCount,
    isStreaming: s.isStreaming,
    pendingQuestions: s.pendingQuestions ?? 0,
  };
  if (s.name) out.name = s.name;
  if (s.isLive) {
    const thinkingLevel = THINKING_LEVEL.toWord(s.thinkingLevel);
    if (thinkingLevel) out.thinkingLevel = thinkingLevel;
    if (s.modelProvider) out.modelProvider = s.modelProvider;
    if (s.modelId) out.modelId = s.modelId;
  }
  if (s.parentSessionId) Object.assign(out, { parentSessionId: s.parentSessionId, runId: s.runId });
  return out;
}

function unifiedSummary(s: SessionSummary): Record<string, unknown> {
  const out: Record<string, unknown> = {
    sessionId: s.sessionId,
    projectId: s.projectId,
    isLive: s.isLive,
    workspacePath: s.workspacePath,
    lastActivityAt: s.lastActivityAt,
    createdAt: s.createdAt,
    messageCount: s.messageCount,
    firstMessage: s.firstMessage,
    pendingQuestions: s.pendingQuestions ?? 0,
  };
  if (s.name) out.name = s.name;
  if (s.path) out.path = s.path;
  if (s.parentSessionId) Object.assign(out, { parentSessionId: s.parentSessionId, runId: s.runId });
  return out;
}

@Controller('sessions')
export class SessionsController {
  constructor(
    private readonly agent: AgentClient,
    private readonly workspace: WorkspaceClient,
  ) {}

  @Get()
  async list(@Query() query: ListSessionsQueryDto): Promise<{ sessions: Record<string, unknown>[] }> {
    const projects = query.projectId
      ? [(await this.workspace.getProject({ id: query.projectId })).project!]
      : (await this.workspace.listProjects()).projects;
    const { sessions } = await this.agent.listSessions({ projects: projects.map((p) => ({ id: p.id, path: p.path })) });
    return { sessions: (sessions ?? []).map(unifiedSummary) };
  }

  @Post()
  async create(@Body() body: CreateSessionDto): Promise<Record<string, unknown>> {
    const { project } = await this.workspace.getProject({ id: body.projectId });
    const { session } = await this.agent.createSession({ project: { id: project!.id, path: project!.path } });
    return liveSummary(session);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<Record<string, unknown>> {
    return liveSummary((await this.agent.getSession({ sessionId: id })).session);
  }

  @Get(':id/messages')
  async messages(@Param('id') id: string): Promise<{ messages: unknown[] }> {
    return { messages: JSON.parse((await this.agent.getMessages({ sessionId: id })).messagesJson) as unknown[] };
  }

  @Post(':id/name')
  @HttpCode(200)
  async rename(@Param('id') id: string, @Body() body: RenameSessionDto): Promise<Record<string, unknown>> {
    return liveSummary((await this.agent.renameSession({ sessionId: id, name: body.name })).session);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.agent.deleteSession({ sessionId: id });
  }

  @Post(':id/prompt')
  @BodyLimit(LARGE_BODY_LIMIT)
  @HttpCode(202)
  @RateLimit('prompt')
  async prompt(@Param('id') id: string, @Req() req: FastifyRequest): Promise<{ accepted: true; sessionName?: string }> {
    const input = await readPromptInput(req);
    const res = await this.agent.prompt({
      sessionId: id,
      text: input.text,
      textAttachments: input.textAttachments,
      streamingBehavior: STREAMING_BEHAVIOR.toProto(input.streamingBehavior),
      images: input.images,
    });
    return res.sessionName ? { accepted: true, sessionName: res.sessionName } : { accepted: true };
  }

  @Post(':id/steer')
  @HttpCode(202)
  @RateLimit('prompt')
  async steer(@Param('id') id: string, @Body() body: SteerDto): Promise<{ accepted: true }> {
    await this.agent.steer({ sessionId: id, text: body.text, mode: STREAMING_BEHAVIOR.toProto(body.mode ?? 'steer') });
    return { accepted: true };
  }

  @Post(':id/abort')
  @HttpCode(204)
  async abort(@Param('id') id: string): Promise<void> {
    await this.agent.abort({ sessionId: id });
  }

  @Post(':id/model')
  @HttpCode(200)
  async setModel(@Param('id') id: string, @Body() body: SetModelDto): Promise<{ provider: string; modelId: string }> {
    return this.agent.setModel({ sessionId: id, provider: body.provider, modelId: body.modelId });
  }

  @Post(':id/thinking-level')
  @HttpCode(200)
  async setThinkingLevel(@Param('id') id: string, @Body() body: SetThinkingLevelDto): Promise<{ level: string }> {
    const res = await this.agent.setThinkingLevel({ sessionId: id, level: THINKING_LEVEL.toProto(body.level) });
    return { level: THINKING_LEVEL.toWord(res.level) ?? 'off' };
  }

  @Get(':id/tree')
  async tree(@Param('id') id: string): Promise<unknown> {
    return JSON.parse((await this.agent.getTree({ sessionId: id })).treeJson) as unknown;
  }

  @Post(':id/fork')
  @HttpCode(201)
  async fork(@Param('id') id: string, @Body() body: ForkDto): Promise<Record<string, unknown>> {
    return liveSummary((await this.agent.fork({ sessionId: id, entryId: body.entryId })).session);
  }

  @Get(':id/export')
  async export(@Param('id') id: string, @Query() query: ExportQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.agent.exportSession({ sessionId: id, format: EXPORT_FORMAT.toProto(query.format) });
    void reply
      .header('content-type', query.format === 'jsonl' ? 'application/x-ndjson' : 'text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .send(Buffer.from(file.content, 'utf8'));
  }

  @Post(':id/exec')
  @HttpCode(200)
  async exec(
    @Param('id') id: string,
    @Body() body: ExecDto,
  ): Promise<{ exitCode: number | null; output: string; durationMs: number; truncated: boolean; cancelled: boolean }> {
    const r = await this.agent.exec({ sessionId: id, command: body.command, excludeFromContext: body.excludeFromContext ?? false });
    return { exitCode: r.exitCode ?? null, output: r.output, durationMs: r.durationMs, truncated: r.truncated, cancelled: r.cancelled };
  }

  @Get(':id/context')
  async context(@Param('id') id: string): Promise<unknown> {
    return JSON.parse((await this.agent.getContext({ sessionId: id })).contextJson) as unknown;
  }

  @Get(':id/compactions')
  async compactions(@Param('id') id: string): Promise<{ compactions: unknown[] }> {
    return { compactions: JSON.parse((await this.agent.getCompactions({ sessionId: id })).compactionsJson) as unknown[] };
  }

  @Get(':id/turn-diff')
  async turnDiff(@Param('id') id: string): Promise<{ entries: unknown[] }> {
    return {
      entries: ((await this.agent.getTurnDiff({ sessionId: id })).entries ?? []).map((e) => ({
        ...e,
        tool: TURN_DIFF_TOOL.toWord(e.tool) ?? 'edit',
      })),
    };
  }

  @Post(':id/navigate')
  @HttpCode(200)
  @RateLimit('prompt')
  async navigate(
    @Param('id') id: string,
    @Body() body: NavigateDto,
  ): Promise<{ cancelled: boolean; aborted?: boolean; editorText?: string }> {
    const r = await this.agent.navigate({
      sessionId: id,
      entryId: body.entryId,
      summarize: body.summarize ?? false,
      customInstructions: body.customInstructions ?? '',
      label: body.label ?? '',
    });
    return {
      cancelled: r.cancelled,
      ...(r.aborted !== undefined ? { aborted: r.aborted } : {}),
      ...(r.editorText !== undefined ? { editorText: r.editorText } : {}),
    };
  }

  @Post(':id/compact')
  @HttpCode(200)
  @RateLimit('prompt')
  async compact(
    @Param('id') id: string,
    @Body() body: CompactDto,
  ): Promise<{ summary: string; tokensBefore: number; tokensAfter: number }> {
    return this.agent.compact({ sessionId: id, customInstructions: body.customInstructions ?? '' });
  }
}
