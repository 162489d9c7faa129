// Service up/down and restarts, from the gateway's side. Up/down is asked at scrape time
// (grpc.health.v1 through HealthService). Restarts are counted by watching each gRPC channel: a
// channel that was READY, then failed to connect (TRANSIENT_FAILURE), then became READY again
// saw its service go away and come back. This works the same under the launcher, compose and
// Kubernetes, where the gateway cannot see the supervisor's own restart count.
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connectivityState, type Channel } from '@grpc/grpc-js';
import { LOGGER } from '@pi-forge/runtime';
import type { Logger } from 'pino';
import { AgentClient } from '../clients/agent.client.js';
import { PtyClient } from '../clients/pty.client.js';
import { WorkspaceClient } from '../clients/workspace.client.js';
import type { ServiceClient } from '../clients/service-client.js';
import { HealthService } from '../health/health.service.js';
import { ForgeMetrics, type ServiceName } from './forge-metrics.js';

@Injectable()
export class ServiceWatch implements OnModuleInit, OnApplicationShutdown {
  private stopped = false;

  constructor(
    private readonly metrics: ForgeMetrics,
    private readonly health: HealthService,
    private readonly agent: AgentClient,
    private readonly pty: PtyClient,
    private readonly workspace: WorkspaceClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    for (const client of [this.agent, this.pty, this.workspace] as ServiceClient<unknown>[]) {
      const service = client.name as ServiceName;
      client.channel.onCall = (method, code, ms) => this.metrics.grpcDuration.observe({ service, method, code: String(code) }, ms / 1000);
      this.watch(service, client.channel.channel);
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /** Refreshes the gauges that come from the services (called once per scrape). */
  async refresh(): Promise<void> {
    const report = await this.health.report();
    this.metrics.activeSessions.set(report.activeSessions);
    this.metrics.activePtys.set(report.activePtys);
    for (const [service, state] of Object.entries(report.services)) this.metrics.serviceUp.set({ service }, state === 'serving' ? 1 : 0);
  }

  private watch(service: ServiceName, channel: Channel): void {
    let wasReady = false;
    let lost = false;
    const step = (): void => {
      if (this.stopped) return;
      // `true` asks an idle channel to connect, so a dead service is noticed without traffic.
      const state = channel.getConnectivityState(true);
      if (state === connectivityState.SHUTDOWN) return;
      if (state === connectivityState.READY) {
        if (lost) {
          this.metrics.serviceRestarts.inc({ service });
          this.logger.warn({ service }, 'service reachable again after being lost');
        }
        wasReady = true;
        lost = false;
      } else if (state === connectivityState.TRANSIENT_FAILURE && wasReady) {
        lost = true;
      }
      channel.watchConnectivityState(state, Infinity, step);
    };
    step();
  }
}
