// GET /sessions/:id/stream: one gRPC StreamEvents call per SSE client. The agent service sends a
// snapshot or, for a known Last-Event-ID, exactly the missed events; this route frames them as
// SSE with their ids, adds heartbeats and proxy-flush padding, and bounds what a slow client may
// hold: the upstream is paused while the socket is full and the client is dropped past 8 MB.
import { Controller, Get, Inject, Optional, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '@pi-forge/runtime';
import type { StreamEventsResponse } from '@pi-forge/proto/agent';
import { AgentClient } from '../clients/agent.client.js';
import { ForgeMetrics } from '../metrics/forge-metrics.js';

export const SSE_CLIENT_BUFFER_LIMIT = 8 * 1024 * 1024;
const HEARTBEAT_MS = 20_000;
const FIRST_EVENT_TIMEOUT_MS = 60_000;
const PAD = ' '.repeat(2048);
/** Events after which proxies must flush at once (contract §3.2). */
const PADDED: Record<string, string> = { compaction_start: 'pad-flush', session_list_changed: 'session-list-changed', session_renamed: 'session-renamed' };

@Controller('sessions')
export class SessionStreamController {
  constructor(
    private readonly agent: AgentClient,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly metrics?: ForgeMetrics,
  ) {}

  @Get(':id/stream')
  async stream(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const header = req.headers['last-event-id'];
    const lastEventId = typeof header === 'string' ? header.trim().slice(0, 64) : '';
    const upstream = this.agent.streamEvents({ sessionId: id, lastEventId });
    const early: StreamEventsResponse[] = [];
    let live: ((m: StreamEventsResponse) => void) | undefined;
    let ended: (() => void) | undefined;

    // Errors before the first event (404, 410, resume failure) still leave as JSON.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        upstream.cancel();
        reject(Object.assign(new Error('no first event'), { code: 4, details: '', metadata: {} }));
      }, FIRST_EVENT_TIMEOUT_MS);
      upstream.on('data', (m: StreamEventsResponse) => {
        if (live) return live(m);
        early.push(m);
        clearTimeout(timer);
        resolve();
      });
      upstream.on('error', (err) => {
        clearTimeout(timer);
        if (ended) ended();
        else reject(err);
      });
      upstream.on('end', () => {
        clearTimeout(timer);
        if (ended) ended();
        else resolve();
      });
    });

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const untrack = this.metrics?.trackSseClient();
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      untrack?.();
      upstream.cancel();
      if (!raw.destroyed) raw.end();
    };
    const write = (text: string) => {
      if (closed) return;
      if (raw.writableLength > SSE_CLIENT_BUFFER_LIMIT) {
        this.logger.warn({ sessionId: id }, 'sse-client-dropped-backpressure');
        closed = true;
        clearInterval(heartbeat);
        untrack?.();
        upstream.cancel();
        raw.destroy();
        return;
      }
      if (!raw.write(text) && !upstream.isPaused()) {
        upstream.pause();
        raw.once('drain', () => upstream.resume());
      }
    };
    const send = (m: StreamEventsResponse) => {
      write(`id: ${m.id}\ndata: ${m.eventJson}\n\n`);
      const type = /^\{"type":"([a-z_]+)"/.exec(m.eventJson)?.[1];
      if (type && PADDED[type]) write(`: ${PADDED[type]} ${PAD}\n\n`);
    };
    const heartbeat = setInterval(() => write(`: heartbeat ${PAD}\n\n`), HEARTBEAT_MS);
    raw.on('close', close);
    ended = close;
    live = send;
    for (const m of early) send(m);
    if (upstream.readableEnded || upstream.destroyed) close();
  }
}
