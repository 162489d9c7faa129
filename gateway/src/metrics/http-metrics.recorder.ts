// Counts and times every HTTP request by its route pattern (`/api/v1/projects/:id`, never the raw
// URL, so the label set stays bounded). A Fastify onResponse hook added from here keeps main.ts
// free of metrics code. Replies that take over the socket (SSE, WebSocket) never reach onResponse;
// a stream that did would last as long as its client, so it is not timed.
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ForgeMetrics } from './forge-metrics.js';

@Injectable()
export class HttpMetricsRecorder implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: ForgeMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onResponse', (req, reply, done) => {
      const route = req.routeOptions?.url ?? 'unmatched';
      const method = req.method;
      this.metrics.httpRequests.inc({ method, route, status: String(reply.statusCode) });
      const type = String(reply.getHeader('content-type') ?? '');
      if (!type.startsWith('text/event-stream')) this.metrics.httpDuration.observe({ method, route }, reply.elapsedTime / 1000);
      done();
    });
  }
}
