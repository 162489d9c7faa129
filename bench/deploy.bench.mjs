// Deploy benchmark: what the reverse proxies from docs/deployment.md and the metrics endpoint cost.
// Baseline: the same request straight to the gateway, measured in the same run.
//   health    GET /api/v1/health (public; 3 health checks + 2 GetStats over gRPC behind it)
//   login     POST /api/v1/auth/login, wrong password (the request path a proxy must pass the client IP on)
//   sse       open GET /sessions/:id/stream and read the first event (the snapshot)
//   metrics   GET /metrics with the metrics token (health fan-out + registry render)
import { performance } from 'node:perf_hooks';
import { request } from 'node:http';
import { startStack, freePort, makeStackDirs, seedProject } from '../test/fixtures/dist/src/index.js';
import { startCaddy, startNginx } from '../deploy/dist/test/proxies.js';

const N = Number(process.env.BENCH_N ?? 400);
const N_SSE = Number(process.env.BENCH_N_SSE ?? 60);
const WARM = 50;
const API_KEY = 'bench-deploy-api-key-0123456789abcdef';
const METRICS_TOKEN = 'bench-deploy-metrics-token-0123456789';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const p99 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
};

/** Runs every target's call in turn, n rounds, so load swings on the shared machine hit them alike. */
async function measureInterleaved(n, fns) {
  for (let i = 0; i < Math.min(WARM, n); i++) for (const fn of fns) await fn();
  const out = fns.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < fns.length; j++) {
      const t0 = performance.now();
      await fns[j]();
      out[j].push((performance.now() - t0) * 1000);
    }
  }
  return out.map((xs) => ({ p50: median(xs), p99: p99(xs) }));
}

/** Resolves at the first SSE event, then drops the connection. */
function firstEvent(url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${API_KEY}`, accept: 'text/event-stream' } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buf += d;
        if (buf.includes('\n\n') && buf.includes('data: ')) {
          req.destroy();
          resolve();
        }
      });
      res.on('error', () => {});
    });
    req.on('error', (e) => {
      if (e.code !== 'ECONNRESET') reject(e);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no first event')));
    req.end();
  });
}

const dirs = makeStackDirs();
const project = seedProject(dirs, 'bench');
const stack = await startStack({
  name: 'bench-deploy',
  dirs,
  env: {
    API_KEY,
    METRICS_TOKEN,
    UI_PASSWORD: 'bench-password-1',
    RATE_LIMIT_LOGIN_MAX: '1000000',
    LOGIN_ATTEMPT_LIMIT_MAX: '1000',
    TRUST_PROXY: 'true',
  },
});
const nginx = startNginx(await freePort(), stack.port);
const caddy = startCaddy(await freePort(), stack.port);
const rows = [];
try {
  await Promise.all([nginx.ready(), caddy.ready()]);
  const session = await (await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } })).json();
  const targets = [
    ['direct (baseline)', stack.baseUrl],
    ['nginx (doc snippet)', nginx.url],
    ['caddy (doc snippet)', caddy.url],
  ];
  for (const [name] of targets) rows.push({ name });
  const each = async (key, n, make) => {
    const results = await measureInterleaved(
      n,
      targets.map(([, base]) => make(base)),
    );
    results.forEach((r, i) => {
      rows[i][key] = r;
    });
  };
  await each('health', N, (base) => async () => (await fetch(`${base}/api/v1/health`)).json());
  await each(
    'login',
    N,
    (base) => async () =>
      (
        await fetch(`${base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"password":"wrong"}',
        })
      ).text(),
  );
  await each('sse', N_SSE, (base) => () => firstEvent(`${base}/api/v1/sessions/${session.sessionId}/stream`));
  await each(
    'metrics',
    N,
    (base) => async () => (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text(),
  );
} finally {
  await nginx.stop();
  await caddy.stop();
  await stack.dispose();
}

const base = rows[0];
const fmt = (r, k) => `${(r[k].p50 / 1000).toFixed(2)} (${(r[k].p50 / base[k].p50).toFixed(2)}×)`;
console.log(
  `### Through the documented proxies (medians in ms, ratio to direct; ${N} rounds, ${N_SSE} for SSE, targets interleaved, after warm-up)\n`,
);
console.log('| path | GET /health | POST /auth/login (401) | SSE open → first event | GET /metrics |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.name} | ${fmt(r, 'health')} | ${fmt(r, 'login')} | ${fmt(r, 'sse')} | ${fmt(r, 'metrics')} |`);
console.log(
  `\np99 direct: health ${(base.health.p99 / 1000).toFixed(2)} ms, metrics ${(base.metrics.p99 / 1000).toFixed(2)} ms. /metrics vs /health direct: ${(base.metrics.p50 / base.health.p50).toFixed(2)}× (the scrape adds the registry render to the same health fan-out).`,
);
