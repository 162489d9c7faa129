// Asks every service at once, each within one second, so health never hangs and never 5xxs:
// a dead service makes the answer `degraded` and names it.
import { Injectable } from '@nestjs/common';
import { AgentClient } from '../clients/agent.client.js';
import { PtyClient } from '../clients/pty.client.js';
import { WorkspaceClient } from '../clients/workspace.client.js';
import type { ServiceState } from '../clients/service-channel.js';

export const HEALTH_CHECK_TIMEOUT_MS = 800;
const READY_POLL_MS = 50;

export interface HealthReport {
  status: 'ok' | 'degraded';
  activeSessions: number;
  activePtys: number;
  services: { agent: ServiceState; pty: ServiceState; workspace: ServiceState };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly agent: AgentClient,
    private readonly pty: PtyClient,
    private readonly workspace: WorkspaceClient,
  ) {}

  /**
   * Resolves once all three services report SERVING, or when timeoutMs has passed, with the last
   * states seen. The gateway listens only after this, so the first 200 from /health says ok.
   */
  async waitUntilServing(timeoutMs: number): Promise<{ ready: boolean; services: HealthReport['services']; waitedMs: number }> {
    const t0 = Date.now();
    for (;;) {
      const t = Math.max(1, Math.min(HEALTH_CHECK_TIMEOUT_MS, timeoutMs - (Date.now() - t0)));
      const [agent, pty, workspace] = await Promise.all([
        this.agent.channel.check(t),
        this.pty.channel.check(t),
        this.workspace.channel.check(t),
      ]);
      const services = { agent, pty, workspace };
      const ready = Object.values(services).every((s) => s === 'serving');
      const waitedMs = Date.now() - t0;
      if (ready || waitedMs >= timeoutMs) return { ready, services, waitedMs };
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
  }

  async report(): Promise<HealthReport> {
    const t = HEALTH_CHECK_TIMEOUT_MS;
    const [agent, pty, workspace, agentStats, ptyStats] = await Promise.all([
      this.agent.channel.check(t),
      this.pty.channel.check(t),
      this.workspace.channel.check(t),
      this.agent.getStats({}, t).catch(() => undefined),
      this.pty.getStats({}, t).catch(() => undefined),
    ]);
    const services = { agent, pty, workspace };
    const ok = Object.values(services).every((s) => s === 'serving');
    return {
      status: ok ? 'ok' : 'degraded',
      activeSessions: agentStats?.activeSessions ?? 0,
      activePtys: ptyStats?.activePtys ?? 0,
      services,
    };
  }
}
