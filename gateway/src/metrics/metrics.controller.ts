import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/public.decorator.js';
import { ForgeMetrics } from './forge-metrics.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { ServiceWatch } from './service-watch.js';

/** `GET /metrics` (outside /api/v1): Prometheus text. Public to the global guard; MetricsAccessGuard decides. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: ForgeMetrics,
    private readonly services: ServiceWatch,
  ) {}

  @Public()
  @UseGuards(MetricsAccessGuard)
  @Get()
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.services.refresh();
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
