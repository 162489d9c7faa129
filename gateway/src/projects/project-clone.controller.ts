// POST /projects/clone: the clone's progress as SSE (docs/compatibility.md#projects). Validation errors from the
// service arrive before its first event and still leave as JSON; after that, everything is an
// event. A client that goes away cancels the call, which stops git and removes the half clone.
import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';
import type { CloneProjectResponse } from '@pi-forge/proto/workspace';
import { WorkspaceClient } from '../clients/workspace.client.js';
import { SseWriter } from '../sse/sse-writer.js';
import { CloneProjectDto } from './projects.dto.js';

/** The contract's event shape (`type` plus that type's fields) from the oneof. */
export function cloneEvent(m: CloneProjectResponse): Record<string, unknown> {
  if (m.started) return { type: 'started', cloneUrlForDisplay: m.started.cloneUrlForDisplay };
  // proto-loader marks a set proto3 `optional` with `_percent`; an unset one may read as 0 or null.
  if (m.progress) {
    const p = m.progress as typeof m.progress & { _percent?: string };
    return {
      type: 'progress',
      phase: p.phase,
      percent: p._percent === 'percent' || typeof p.percent === 'number' ? (p.percent ?? null) : null,
      raw: p.raw,
    };
  }
  if (m.stderr) return { type: 'stderr', line: m.stderr.line };
  if (m.done) return { type: 'done', target: m.done.target };
  if (m.projectCreated) return { type: 'project_created', project: m.projectCreated };
  return { type: 'error', ...(m.error?.code ? { code: m.error.code } : {}), message: m.error?.message ?? 'the clone failed' };
}

@Controller('projects')
export class ProjectCloneController {
  constructor(
    private readonly workspace: WorkspaceClient,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) private readonly config: ForgeConfig,
  ) {}

  @Post('clone')
  @HttpCode(200)
  async clone(@Body() body: CloneProjectDto, @Res() reply: FastifyReply): Promise<void> {
    const upstream = this.workspace.cloneProject({
      url: body.url,
      parentPath: body.parentPath,
      folderName: body.folderName,
      projectName: body.projectName,
      branch: body.branch ?? '',
      token: body.token ?? '',
      insecureTls: body.insecureTls ?? false,
    });
    const raw = reply.raw;
    let closed = false;
    // Attached before the first event: a client gone while the service validates still cancels.
    raw.on('close', () => {
      closed = true;
      upstream.cancel();
    });
    const iterator = upstream[Symbol.asyncIterator]() as AsyncIterator<CloneProjectResponse>;
    // Throws the service's validation error (→ JSON 4xx) before any SSE header is written.
    const first = await iterator.next();
    if (closed) return;

    reply.hijack();
    // The bare `: heartbeat` of the clone stream (no padding: the 2 KB pad follows `started`).
    const sse = new SseWriter(raw, { heartbeatMs: this.config.SSE_HEARTBEAT_MS, padHeartbeat: false });
    sse.open();
    const send = async (m: CloneProjectResponse) => {
      if (closed) return;
      sse.event(JSON.stringify(cloneEvent(m)));
      if (m.started) sse.comment('pad-flush', true);
      // Waiting here pauses the gRPC read, so a slow client slows the clone's stream, not our memory.
      await sse.drained();
    };
    try {
      if (!first.done) await send(first.value);
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        await send(next.value);
      }
    } catch (err) {
      if (!closed) {
        this.logger.warn({ err }, 'clone stream failed');
        await send({ error: { message: 'the clone stream failed', code: '' } });
      }
    } finally {
      sse.close(false);
    }
  }
}
