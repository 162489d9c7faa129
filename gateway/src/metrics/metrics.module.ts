import { Global, Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module.js';
import { ForgeMetrics } from './forge-metrics.js';
import { HttpMetricsRecorder } from './http-metrics.recorder.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsController } from './metrics.controller.js';
import { ServiceWatch } from './service-watch.js';

/** Global so any feature can inject ForgeMetrics (e.g. the SSE stream calls trackSseClient()). */
@Global()
@Module({
  imports: [HealthModule],
  controllers: [MetricsController],
  providers: [ForgeMetrics, HttpMetricsRecorder, ServiceWatch, MetricsAccessGuard],
  exports: [ForgeMetrics],
})
export class MetricsModule {}
