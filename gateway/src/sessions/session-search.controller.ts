// GET /search/sessions (docs/compatibility.md#sessions): text search across the session files of every project.
import { Controller, Get, Query } from '@nestjs/common';
import { SESSION_SEARCH_MATCH_KIND } from '@pi-forge/proto';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { AgentClient } from '../clients/agent.client.js';
import { WorkspaceClient } from '../clients/workspace.client.js';
import { RateLimit } from '../common/rate-limit.js';

export class SearchSessionsQueryDto {
  @IsString()
  @Length(1, 256)
  q: string;

  /** Digits; out-of-range values are clamped to 1..200 rather than refused (contract). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  sessionLimit?: number;

  /** Digits; clamped to 1..50. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  matchesPerSession?: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

@Controller('search')
export class SessionSearchController {
  constructor(
    private readonly agent: AgentClient,
    private readonly workspace: WorkspaceClient,
  ) {}

  @Get('sessions')
  @RateLimit('search')
  async search(
    @Query() query: SearchSessionsQueryDto,
  ): Promise<{ engine: 'node'; truncated: boolean; results: Record<string, unknown>[] }> {
    const { projects } = await this.workspace.listProjects();
    const names = new Map(projects.map((p) => [p.id, p.name]));
    const res = await this.agent.searchSessions({
      query: query.q,
      projects: projects.map((p) => ({ id: p.id, path: p.path })),
      sessionLimit: clamp(query.sessionLimit ?? 50, 1, 200),
      matchesPerSession: clamp(query.matchesPerSession ?? 5, 1, 50),
    });
    // Optional fields are left out when unset, as the public shape has them (contract S19).
    const results = (res.results ?? []).map((r) => ({
      sessionId: r.sessionId,
      projectId: r.projectId,
      ...(r.sessionName !== undefined ? { sessionName: r.sessionName } : {}),
      modifiedAt: r.modifiedAt,
      matches: (r.matches ?? []).map((m) => ({
        messageIndex: m.messageIndex,
        ...(m.messageEnvelopeId !== undefined ? { messageEnvelopeId: m.messageEnvelopeId } : {}),
        kind: SESSION_SEARCH_MATCH_KIND.toWord(m.kind) ?? 'user', // the agent ships with this build: never unset
        snippet: m.snippet,
        matchOffset: m.matchOffset,
        matchLength: m.matchLength,
      })),
      projectName: names.get(r.projectId) ?? '',
    }));
    return { engine: 'node', truncated: res.truncated, results };
  }
}
