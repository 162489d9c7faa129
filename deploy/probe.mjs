#!/usr/bin/env node
// Container health probe shipped in the image (there is no curl or grpc_health_probe in it):
//   node deploy/probe.mjs http://127.0.0.1:3000/api/v1/health   → exit 0 on HTTP 200
//   node deploy/probe.mjs unix:///run/pi-forge/agent.sock        → exit 0 when grpc.health.v1 says SERVING
//   node deploy/probe.mjs 127.0.0.1:50051                        → same, over TCP
// Anything else, or no answer within PROBE_TIMEOUT_MS (default 3000), exits 1 with one line on stderr.
// grpc.health.v1 is the one service that needs no GRPC_SECRET (probes cannot send metadata).
import { createRequire } from 'node:module';

const target = process.argv[2];
const timeoutMs = Number(process.env.PROBE_TIMEOUT_MS ?? 3000);

function fail(message) {
  process.stderr.write(`probe ${target ?? ''}: ${message}\n`);
  process.exit(1);
}

if (!target) fail('usage: probe.mjs <http(s)://url | unix:///path.sock | host:port>');
setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs).unref();

if (/^https?:\/\//.test(target)) {
  try {
    const res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) fail(`HTTP ${res.status}`);
    process.exit(0);
  } catch (err) {
    fail(err.cause?.code ?? err.message);
  }
} else {
  // Resolved from the app's node_modules (the script lives in /app/deploy).
  const require = createRequire(import.meta.url);
  const grpc = require('@grpc/grpc-js');
  const protoLoader = require('@grpc/proto-loader');
  const { protoPath } = require('grpc-health-check');
  const def = protoLoader.loadSync(protoPath, { keepCase: true, enums: String, defaults: true });
  const Health = grpc.loadPackageDefinition(def).grpc.health.v1.Health;
  const client = new Health(target, grpc.credentials.createInsecure());
  client.Check({ service: '' }, { deadline: Date.now() + timeoutMs }, (err, res) => {
    client.close();
    if (err) fail(`gRPC ${grpc.status[err.code] ?? err.code}: ${err.details}`);
    if (res.status !== 'SERVING') fail(`status ${res.status}`);
    process.exit(0);
  });
}
