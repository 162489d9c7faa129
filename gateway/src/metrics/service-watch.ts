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

/** Deadline of the stats calls a scrape makes (a dead service must not stall the scrape). */
const SCRAPE_CALL_MS = 800;

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
    const t = SCRAPE_CALL_MS;
    const [report, agent, pty, workspace] = await Promise.all([
      this.health.report(),
      this.agent.getStats({}, t).catch(() => undefined),
      this.pty.getStats({}, t).catch(() => undefined),
      this.workspace.getStats({}, t).catch(() => undefined),
    ]);
    this.metrics.activeSessions.set(report.activeSessions);
    this.metrics.activePtys.set(report.activePtys);
    for (const [service, state] of Object.entries(report.services)) this.metrics.serviceUp.set({ service }, state === 'serving' ? 1 : 0);
    const m = this.metrics;
    m.residentMemory.reset();
    m.residentMemory.set({ process: 'gateway' }, process.memoryUsage.rss());
    if (agent) m.residentMemory.set({ process: 'agent' }, agent.residentMemoryBytes);
    if (pty) m.residentMemory.set({ process: 'pty' }, pty.residentMemoryBytes);
    if (workspace) m.residentMemory.set({ process: 'workspace' }, workspace.residentMemoryBytes);
    // Per-session series exist only while the session is live (evicted and deleted ones vanish).
    for (const g of [m.sessionMessages, m.sessionReplayBytes, m.sessionSubscribers]) g.reset();
    for (const s of agent?.sessions ?? []) {
      const labels = { session_id: s.sessionId, project_id: s.projectId };
      m.sessionMessages.set(labels, s.messages);
      m.sessionReplayBytes.set(labels, s.replayBytes);
      m.sessionSubscribers.set(labels, s.subscribers);
    }
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
