// Start-up benchmark (issue 13.1 "ready means ready"): launch the launcher cold, poll
// GET /api/v1/health every 20 ms the way an operator's script does, and record when the first
// 200 arrives, what status it carried, and when status was first "ok". Also when each process logged
// that it listens. Five cold starts; medians printed.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { makeStackDirs, freePort, REPO_ROOT, stackEnv } from '../test/fixtures/dist/src/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : undefined;
};

async function once() {
  const dirs = makeStackDirs();
  const port = await freePort();
  const env = stackEnv(dirs, port);
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'launcher/dist/src/main.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const startup = {};
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const l = JSON.parse(line);
      // Wall time from the launcher's spawn to each process's `listening` line.
      if (typeof l.startupMs === 'number') startup[l.proc] = performance.now() - t0;
      // The agent loads the pi SDK after it listens (docs/agent-service.md); sessions wait for it.
      if (typeof l.sdkLoadMs === 'number') startup['agent SDK'] = performance.now() - t0;
    } catch {
      /* not JSON */
    }
  });
  let first200;
  let firstStatus;
  let ok;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && ok === undefined) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(2_000) });
      const body = await res.json();
      if (res.status === 200 && first200 === undefined) {
        first200 = performance.now() - t0;
        firstStatus = body.status;
      }
      if (body.status === 'ok') ok = performance.now() - t0;
    } catch {
      /* not listening yet */
    }
    if (ok === undefined) await new Promise((r) => setTimeout(r, 20));
  }
  // Give the agent's background SDK load up to 15 s more to report (builds that load it before listening never do).
  for (const until = Date.now() + 15_000; startup['agent SDK'] === undefined && Date.now() < until;)
    await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  rmSync(dirs.root, { recursive: true, force: true });
  return { first200, firstStatus, ok, startup };
}

const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await once());
console.log(`### Start → health (${RUNS} cold starts of the launcher, ms, medians)\n`);
console.log('| measure | median | all runs |');
console.log('|---|---:|---|');
const row = (name, xs) =>
  console.log(`| ${name} | ${median(xs)?.toFixed(0) ?? '—'} | ${xs.map((x) => (typeof x === 'number' ? x.toFixed(0) : '—')).join(', ')} |`);
row(
  'spawn → first 200 from /api/v1/health',
  runs.map((r) => r.first200),
);
row(
  'spawn → first `status: "ok"`',
  runs.map((r) => r.ok),
);
console.log(`| status of the first 200 | | ${runs.map((r) => r.firstStatus).join(', ')} |`);
for (const proc of ['workspace', 'pty', 'agent', 'gateway', 'agent SDK'])
  row(
    `spawn → ${proc} ${proc === 'agent SDK' ? 'loaded' : 'listening'}`,
    runs.map((r) => r.startup[proc]),
  );
