// GET /sessions/:id/stream (contract §3): SSE with `id:` lines; `Last-Event-ID` resumes where the
// client left off while the agent service still has the events, otherwise a snapshot comes first.
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TicketRoute } from '../common/route-options.js';
import { SessionHubs } from './session-hub.js';

@Controller('sessions')
export class SessionStreamController {
  constructor(private readonly hubs: SessionHubs) {}

  @Get(':id/stream')
  @TicketRoute('stream')
  async stream(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const header = req.headers['last-event-id'];
    const lastEventId = typeof header === 'string' ? header.trim().slice(0, 64) : '';
    // Errors (unknown session, tombstoned, resume failure) still leave as JSON: nothing is written yet.
    const start = await this.hubs.join(id, lastEventId, reply.raw);
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Send the headers now: a client resuming at the newest event may get no event for a while,
    // and must not wait for the next heartbeat to learn that the stream is open.
    reply.raw.flushHeaders();
    start();
  }
}
