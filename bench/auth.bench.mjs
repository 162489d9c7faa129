// Auth benchmark: what the global guard adds to a request, per kind of credential, and what a login
// costs with the env password and with the stored argon2id hash. Baselines are measured in the same run:
//   A  GET /api/v1/ui-config: a public route (the guard returns at the @Public() check)
//   B… GET /api/v1/auth/session with each credential: API key, session JWT (passport-jwt), one-time ticket
//   then the refusals: no token (401), an unknown path (401 from the unmatched-route hook)
// Login: POST /auth/login against UI_PASSWORD (constant-time compare) vs the argon2id hash, and argon2id
// verify in-process at our parameters (OWASP minimum) vs the argon2 library's defaults.
import { performance } from 'node:perf_hooks';
import argon2 from 'argon2';
import { startStack } from '../test/fixtures/dist/src/index.js';

const N = Number(process.env.BENCH_N ?? 2000);
const WARM = 200;
const LOGIN_N = Number(process.env.BENCH_LOGIN_N ?? 40);
const PASSWORD = 'bench-password-Tq7';
const NEW_PASSWORD = 'bench-password-changed-Vn3';
const API_KEY = 'bench-api-key-1f2e3d4c5b6a79880';

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p99: q(0.99), n: s.length };
}

async function measure(fn, n = N, warm = WARM) {
  for (let i = 0; i < warm; i++) await fn(i);
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(warm + i);
    out.push((performance.now() - t0) * 1000);
  }
  return stats(out);
}

const expect = (status) => async (res) => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
};

const stack = await startStack({
  name: 'bench-auth',
  env: { UI_PASSWORD: PASSWORD, API_KEY, RATE_LIMIT_LOGIN_MAX: '1000000', AUTH_TICKET_TTL_MS: '300000' } /* tickets are minted up front */,
});
const rows = [];
const loginRows = [];
try {
  const url = (p) => `${stack.baseUrl}${p}`;
  const login = (password) =>
    fetch(url('/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password }),
    });
  const { token } = await (await login(PASSWORD)).json();

  const tickets = [];
  for (let i = 0; i < N + WARM; i++)
    tickets.push(
      (await (await fetch(url('/api/v1/auth/ticket'), { method: 'POST', headers: { authorization: `Bearer ${API_KEY}` } })).json()).ticket,
    );
  const variants = [
    ['A public route (ui-config), no credential', async () => expect(200)(await fetch(url('/api/v1/ui-config')))],
    ['B API key', async () => expect(200)(await fetch(url('/api/v1/auth/session'), { headers: { authorization: `Bearer ${API_KEY}` } }))],
    [
      'C session JWT (passport-jwt, HS256)',
      async () => expect(200)(await fetch(url('/api/v1/auth/session'), { headers: { authorization: `Bearer ${token}` } })),
    ],
    ['D one-time ?ticket=', async (i) => expect(200)(await fetch(url(`/api/v1/auth/session?ticket=${tickets[i]}`)))],
    ['E refused: no token (401)', async () => expect(401)(await fetch(url('/api/v1/auth/session')))],
    ['F refused: unknown /api/v1 path (401)', async () => expect(401)(await fetch(url('/api/v1/no-such-route')))],
  ];
  // Interleaved (one of each per round), so load from other processes on the machine hits every row alike.
  const samples = variants.map(() => []);
  for (let i = 0; i < N + WARM; i++) {
    for (const [v, [, fn]] of variants.entries()) {
      const t0 = performance.now();
      await fn(i);
      if (i >= WARM) samples[v].push((performance.now() - t0) * 1000);
    }
  }
  for (const [v, [name]] of variants.entries()) rows.push([name, stats(samples[v])]);

  loginRows.push([
    'login with UI_PASSWORD (constant-time compare)',
    await measure(async () => expect(200)(await login(PASSWORD)), LOGIN_N, 5),
  ]);
  await expect(200)(
    await fetch(url('/api/v1/auth/change-password'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }),
    }),
  );
  loginRows.push(['login with the stored argon2id hash', await measure(async () => expect(200)(await login(NEW_PASSWORD)), LOGIN_N, 5)]);
} finally {
  await stack.dispose();
}

const ours = await argon2.hash(NEW_PASSWORD, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
const libDefault = await argon2.hash(NEW_PASSWORD);
loginRows.push(['in-process argon2id verify, m=19 MiB t=2 p=1 (ours)', await measure(() => argon2.verify(ours, NEW_PASSWORD), LOGIN_N, 3)]);
loginRows.push([
  'in-process argon2id verify, m=64 MiB t=3 p=4 (library default)',
  await measure(() => argon2.verify(libDefault, NEW_PASSWORD), LOGIN_N, 3),
]);

const base = rows[0][1].p50;
console.log(`### Guard cost per request (${N} sequential rounds of one request each, after ${WARM} warm-up rounds; µs)\n`);
console.log('| request | p50 µs | p99 µs | p50 vs A |');
console.log('|---|---:|---:|---:|');
for (const [name, s] of rows) console.log(`| ${name} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${(s.p50 / base).toFixed(2)}× |`);

const loginBase = loginRows[0][1].p50;
console.log(`\n### Login cost (${LOGIN_N} sequential; ms)\n`);
console.log('| what | p50 ms | p99 ms | p50 vs env-password login |');
console.log('|---|---:|---:|---:|');
for (const [name, s] of loginRows)
  console.log(`| ${name} | ${(s.p50 / 1000).toFixed(2)} | ${(s.p99 / 1000).toFixed(2)} | ${(s.p50 / loginBase).toFixed(2)}× |`);
