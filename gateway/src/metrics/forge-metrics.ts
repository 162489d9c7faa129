// The gateway's Prometheus registry: one place that owns every metric, so features record
// through small methods (an SSE stream calls `trackSseClient()`) instead of touching prom-client.
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ServiceName = 'agent' | 'pty' | 'workspace';

/** Seconds; request and call latencies on loopback are sub-millisecond to seconds. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

@Injectable()
export class ForgeMetrics {
  readonly registry = new Registry();

  readonly activeSessions = new Gauge({
    name: 'forge_active_sessions',
    help: 'Live agent sessions (agent service registry size).',
    registers: [this.registry],
  });
  readonly activePtys = new Gauge({
    name: 'forge_active_ptys',
    help: 'Live terminals, attached or detached (pty service).',
    registers: [this.registry],
  });
  readonly residentMemory = new Gauge({
    name: 'forge_process_resident_memory_bytes',
    help: 'Resident set size of each pi-forge process (the services report their own at scrape time).',
    labelNames: ['process'],
    registers: [this.registry],
  });
  readonly sessionMessages = new Gauge({
    name: 'forge_session_messages',
    help: 'Messages held by each live agent session.',
    labelNames: ['session_id', 'project_id'],
    registers: [this.registry],
  });
  readonly sessionReplayBytes = new Gauge({
    name: 'forge_session_replay_bytes',
    help: 'Bytes of events each live session keeps for stream replay (bounded, freed when idle).',
    labelNames: ['session_id', 'project_id'],
    registers: [this.registry],
  });
  readonly sessionSubscribers = new Gauge({
    name: 'forge_session_stream_subscribers',
    help: 'Open event streams (gateway fan-outs) per live session.',
    labelNames: ['session_id', 'project_id'],
    registers: [this.registry],
  });
  readonly sseClients = new Gauge({
    name: 'forge_sse_clients',
    help: 'Open SSE streams served by this gateway.',
    registers: [this.registry],
  });
  readonly serviceUp = new Gauge({
    name: 'forge_service_up',
    help: '1 when the service answers grpc.health.v1 SERVING at scrape time, else 0.',
    labelNames: ['service'],
    registers: [this.registry],
  });
  readonly serviceRestarts = new Counter({
    name: 'forge_service_restarts_total',
    help: 'Times the gateway lost its connection to the service and got it back (a crash or restart, seen from the gateway).',
    labelNames: ['service'],
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'forge_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status (SSE streams and WebSocket upgrades take over the socket and are not counted here).',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'forge_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern.',
    labelNames: ['method', 'route'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly grpcDuration = new Histogram({
    name: 'forge_grpc_client_duration_seconds',
    help: 'Unary gRPC calls from the gateway to a service, by service, method and status code.',
    labelNames: ['service', 'method', 'code'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    for (const service of ['agent', 'pty', 'workspace'] as const) {
      // Present from the start so alerts on `increase()` and `== 0` see a series before the first event.
      this.serviceRestarts.inc({ service }, 0);
      this.serviceUp.set({ service }, 0);
    }
    collectDefaultMetrics({ register: this.registry, prefix: 'forge_gateway_' });
  }

  /** Counts one open SSE stream; call the returned function when it closes (extra calls are ignored). */
  trackSseClient(): () => void {
    this.sseClients.inc();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.sseClients.dec();
    };
  }
}
