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

/** The contract's event shape: only the fields that belong to each type. */
export function cloneEvent(m: CloneProjectResponse & { _percent?: string }): Record<string, unknown> {
  switch (m.type) {
    case 'started': return { type: m.type, cloneUrlForDisplay: m.cloneUrlForDisplay };
    case 'progress': return { type: m.type, phase: m.phase, percent: m._percent === 'percent' || typeof m.percent === 'number' ? m.percent ?? null : null, raw: m.raw };
    case 'stderr': return { type: m.type, line: m.line };
    case 'done': return { type: m.type, target: m.target };
    case 'project_created': return { type: m.type, project: m.project };
    default: return { type: 'error', ...(m.code ? { code: m.code } : {}), message: m.message };
  }
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
      url: body.url, parentPath: body.parentPath, folderName: body.folderName, projectName: body.projectName,
      branch: body.branch ?? '', token: body.token ?? '', insecureTls: body.insecureTls ?? false,
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
      if (m.type === 'started') sse.comment('pad-flush', true);
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
        await send({ type: 'error', message: 'the clone stream failed' } as CloneProjectResponse);
      }
    } finally {
      sse.close(false);
    }
  }
}
