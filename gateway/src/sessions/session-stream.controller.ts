// GET /sessions/:id/stream (docs/compatibility.md#sse-streams): SSE with `id:` lines; `Last-Event-ID` resumes where the
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
    start();
  }
}
