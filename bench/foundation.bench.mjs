// Foundation benchmark: what the process split costs on the request path, and how fast the
// whole system becomes healthy. Baselines are measured in the same run.
//   A  in-process: the health report built by a plain function call (no HTTP, no gRPC)
//   B  in-process HTTP: a bare Fastify server in this process answering the same JSON
//   C  one gRPC unary round trip (GetStats) from this process to the pty service's unix socket
//   D  GET /api/v1/health through the gateway (HTTP + 3 health checks + 2 GetStats over gRPC)
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { serviceSecretClientInterceptor } from '@pi-forge/runtime';
import * as protoLoader from '@grpc/proto-loader';
import Fastify from 'fastify';
import { startStack, makeStackDirs, freePort } from '../test/fixtures/dist/src/index.js';
import { PTY_CONTRACT } from '../proto/dist/src/index.js';

const N = Number(process.env.BENCH_N ?? 2000);
const WARM = 200;

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p99: q(0.99), n: s.length };
}

async function measure(fn) {
  for (let i = 0; i < WARM; i++) await fn();
  const out = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await fn();
    out.push((performance.now() - t0) * 1000);
  }
  return stats(out);
}

const stack = await startStack({ name: 'bench-foundation' });
const rows = [];
try {
  const report = () => ({
    status: 'ok',
    activeSessions: 0,
    activePtys: 0,
    services: { agent: 'serving', pty: 'serving', workspace: 'serving' },
  });
  rows.push(['A in-process function call', await measure(async () => report())]);

  const app = Fastify();
  app.get('/health', async () => report());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const local = `http://127.0.0.1:${app.server.address().port}/health`;
  rows.push(['B in-process HTTP (bare Fastify)', await measure(async () => (await fetch(local)).json())]);
  await app.close();

  const ptyUrl = stack.logs.find((l) => l.proc === 'pty' && typeof l.url === 'string').url;
  const def = protoLoader.loadSync(PTY_CONTRACT.protoPath, { longs: Number, enums: String, defaults: true });
  const Pty = grpc.loadPackageDefinition(def).forge.pty.v1.PtyService;
  const client = new Pty(ptyUrl, grpc.credentials.createInsecure(), {
    interceptors: [serviceSecretClientInterceptor(stack.serviceSecret())],
  });
  const unary = () => new Promise((res, rej) => client.GetStats({}, (e, r) => (e ? rej(e) : res(r))));
  rows.push(['C gRPC unary round trip (unix socket)', await measure(unary)]);
  client.close();

  rows.push([
    'D GET /api/v1/health through the gateway',
    await measure(async () => (await fetch(`${stack.baseUrl}/api/v1/health`)).json()),
  ]);

  // The same unary call when the pty service listens on TCP loopback instead of a unix socket.
  const tcpPort = await freePort();
  const tcp = await startStack({ name: 'bench-foundation-tcp', env: { PTY_GRPC_URL: `127.0.0.1:${tcpPort}` } });
  try {
    const tcpClient = new Pty(`127.0.0.1:${tcpPort}`, grpc.credentials.createInsecure(), {
      interceptors: [serviceSecretClientInterceptor(tcp.serviceSecret())],
    });
    rows.push([
      'C′ gRPC unary round trip (TCP 127.0.0.1)',
      await measure(() => new Promise((res, rej) => tcpClient.GetStats({}, (e, r) => (e ? rej(e) : res(r))))),
    ]);
    tcpClient.close();
  } finally {
    await tcp.dispose();
  }
} finally {
  await stack.dispose();
}

const base = rows[1][1].p50;
console.log(`### Request path (${N} sequential requests after ${WARM} warm-up; µs)\n`);
console.log('| path | p50 µs | p99 µs | p50 vs B |');
console.log('|---|---:|---:|---:|');
for (const [name, s] of rows) console.log(`| ${name} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${(s.p50 / base).toFixed(2)}× |`);

// Time from launching the launcher to its `ready` line (health ok), five cold starts.
const starts = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const s = await startStack({ name: 'bench-start', dirs: makeStackDirs(), port: await freePort(), env: { LOG_LEVEL: 'info' } });
  starts.push(performance.now() - t0);
  const reported = s.logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('pi-forge ready'))?.readyMs;
  starts[starts.length - 1] = { wall: performance.now() - t0, reported };
  await s.dispose();
}
const walls = starts.map((x) => x.wall).sort((a, b) => a - b);
const reported = starts.map((x) => x.reported).sort((a, b) => a - b);
console.log('\n### Start to healthy (5 cold starts, ms)\n');
console.log('| measure | median | min | max |');
console.log('|---|---:|---:|---:|');
console.log(`| spawn → \`ready\` line seen by the test | ${walls[2].toFixed(0)} | ${walls[0].toFixed(0)} | ${walls[4].toFixed(0)} |`);
console.log(`| launcher's own readyMs (process start → health ok) | ${reported[2]} | ${reported[0]} | ${reported[4]} |`);
