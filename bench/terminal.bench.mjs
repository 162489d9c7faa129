// Terminal benchmark: what the process split (browser socket → gateway → gRPC → pty service →
// node-pty) costs against node-pty read directly in this process, in the same run.
//   throughput   ~200 MB of shell output (`yes <64 chars> | head -c 200 MB`), MB/s received
//   echo         keystroke → echo round trip in a raw-mode `cat`, p50/p99 over sequential keys
//   reattach     new socket on a detached tab until the full 256 KB tail is replayed,
//                against a reattach whose replay is tiny
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pty from 'node-pty';
import { startStack } from '../test/fixtures/dist/src/index.js';
import { addProject, TermClient, terminalUrl } from '../gateway/dist/test/terminal-client.js';

const TOTAL = Number(process.env.BENCH_TERMINAL_BYTES ?? 200 * 1024 * 1024);
const KEYS = Number(process.env.BENCH_TERMINAL_KEYS ?? 400);
const REATTACHES = Number(process.env.BENCH_TERMINAL_REATTACHES ?? 20);
const RUNS = 3;
const LINE = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
const FLOOD = `yes ${LINE} | head -c ${TOTAL}; echo "END-$((40+2))"\r`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A uniform face over both paths: write keys, watch output. */
function direct(home) {
  const p = pty.spawn('/bin/bash', [], {
    name: 'xterm-color',
    cols: 80,
    rows: 24,
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, TERM: 'xterm-color' },
    encoding: null,
  });
  const listeners = new Set();
  p.onData((d) => {
    for (const l of listeners) l(d);
  });
  return {
    write: (s) => p.write(s),
    onData: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => p.kill('SIGKILL'),
  };
}

// Every socket counts against the 10 upgrades/min/IP limit: give each its own forwarded address.
let ip = 0;
const clientHeaders = () => ({ 'x-forwarded-for': `10.2.${(++ip >> 8) & 255}.${ip & 255}` });

function viaStack(stack, projectId, tabId) {
  const t = new TermClient(terminalUrl(stack, { projectId, tabId }), clientHeaders(), false);
  const listeners = new Set();
  t.ws.on('message', (d) => {
    for (const l of listeners) l(d);
  });
  return {
    t,
    write: (s) => t.input(s),
    onData: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => t.close(1000, 'tab_closed'),
  };
}

/** Resolves when `needle` appears in the output after now (scanning only each chunk's edge). */
function until(term, needle, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    let tail = '';
    let bytes = 0;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timeout waiting for ${needle}`));
    }, timeoutMs);
    const off = term.onData((d) => {
      bytes += d.length;
      const s = tail + d.subarray(Math.max(0, d.length - 256)).toString('latin1');
      if (s.includes(needle)) {
        clearTimeout(timer);
        off();
        resolve(bytes);
      } else tail = s.slice(-64);
    });
  });
}

async function ready(term) {
  term.write('echo "READY-$((1+1))"\r');
  await until(term, 'READY-2', 20_000);
}

async function throughput(term) {
  const t0 = performance.now();
  const done = until(term, 'END-42');
  term.write(FLOOD);
  const bytes = await done;
  const s = (performance.now() - t0) / 1000;
  return { mbps: bytes / 1e6 / s, bytes };
}

async function echoLatency(term) {
  term.write('stty raw -echo; cat\r');
  await sleep(300);
  const out = [];
  for (let i = 0; i < KEYS + 50; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const got = new Promise((resolve) => {
      const off = term.onData((d) => {
        if (d.includes(key)) {
          off();
          resolve();
        }
      });
    });
    const t0 = performance.now();
    term.write(key);
    await got;
    if (i >= 50) out.push((performance.now() - t0) * 1000);
  }
  term.write('\x03');
  await sleep(100);
  term.write('stty sane\r');
  await sleep(100);
  return out;
}

const home = mkdtempSync(join(tmpdir(), 'bench-terminal-'));
const stack = await startStack({ name: 'bench-terminal', env: { PTY_IDLE_REAP_MS: '600000', TRUST_PROXY: 'true' } });
const rows = { direct: { tp: [], echo: [] }, stack: { tp: [], echo: [] } };
let reattach;
try {
  const project = addProject(stack, 'bench');
  for (let run = 0; run < RUNS; run++) {
    const d = direct(home);
    await ready(d);
    rows.direct.tp.push((await throughput(d)).mbps);
    if (run === 0) rows.direct.echo = await echoLatency(d);
    d.close();

    const s = viaStack(stack, project.id, `tp-${run}`);
    await s.t.opened();
    await ready(s);
    rows.stack.tp.push((await throughput(s)).mbps);
    if (run === 0) rows.stack.echo = await echoLatency(s);
    s.close();
    await s.t.waitClosed();
  }

  // Reattach: fill a tab's ring past 256 KB, detach, then time socket-open → full replay received.
  const full = viaStack(stack, project.id, 'replay-full');
  await full.t.opened();
  await ready(full);
  full.write(`head -c 400000 /dev/zero | tr '\\0' r; echo "FILLED-$((3+4))"\r`);
  await until(full, 'FILLED-7');
  full.t.close();
  await full.t.waitClosed();
  const small = viaStack(stack, project.id, 'replay-small');
  await small.t.opened();
  await ready(small);
  small.t.close();
  await small.t.waitClosed();

  const time = async (tabId, want) => {
    const out = [];
    for (let i = 0; i < REATTACHES; i++) {
      const t0 = performance.now();
      const c = new TermClient(terminalUrl(stack, { projectId: project.id, tabId }), clientHeaders());
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('replay timeout')), 10_000);
        const check = () => {
          if (c.bytes >= want) {
            clearTimeout(timer);
            resolve();
          } else setTimeout(check, 0);
        };
        c.ws.on('message', () => {
          if (c.bytes >= want) {
            clearTimeout(timer);
            resolve();
          }
        });
        check();
      });
      out.push(performance.now() - t0);
      c.close();
      await c.waitClosed();
    }
    return out;
  };
  reattach = { small: await time('replay-small', 1), full: await time('replay-full', 256 * 1024) };
} finally {
  await stack.dispose();
  rmSync(home, { recursive: true, force: true });
}

const tpD = median(rows.direct.tp);
const tpS = median(rows.stack.tp);
console.log(`### Throughput: ${(TOTAL / 1e6).toFixed(0)} MB of shell output, median of ${RUNS} runs\n`);
console.log('| path | MB/s (median) | runs | vs direct |');
console.log('|---|---:|---|---:|');
console.log(
  `| node-pty read directly in one process | ${tpD.toFixed(1)} | ${rows.direct.tp.map((x) => x.toFixed(0)).join(', ')} | 1.00× |`,
);
console.log(
  `| ws client ← gateway ← gRPC ← pty service | ${tpS.toFixed(1)} | ${rows.stack.tp.map((x) => x.toFixed(0)).join(', ')} | ${(tpS / tpD).toFixed(2)}× |`,
);

const e = (xs) => ({ p50: pct(xs, 0.5), p99: pct(xs, 0.99) });
const eD = e(rows.direct.echo);
const eS = e(rows.stack.echo);
console.log(`\n### Keystroke echo (raw-mode cat), ${KEYS} sequential keys after 50 warm-up; µs\n`);
console.log('| path | p50 µs | p99 µs | p50 vs direct |');
console.log('|---|---:|---:|---:|');
console.log(`| node-pty directly | ${eD.p50.toFixed(0)} | ${eD.p99.toFixed(0)} | 1.00× |`);
console.log(
  `| ws client → gateway → gRPC → pty service | ${eS.p50.toFixed(0)} | ${eS.p99.toFixed(0)} | ${(eS.p50 / eD.p50).toFixed(2)}× |`,
);

const rS = median(reattach.small);
const rF = median(reattach.full);
console.log(`\n### Reattach to a detached tab, socket open → replay received, ${REATTACHES} times each; ms\n`);
console.log('| replay | median ms | p99 ms | vs tiny replay |');
console.log('|---|---:|---:|---:|');
console.log(`| tiny (< 1 KB) | ${rS.toFixed(1)} | ${pct(reattach.small, 0.99).toFixed(1)} | 1.00× |`);
console.log(`| full 256 KB | ${rF.toFixed(1)} | ${pct(reattach.full, 0.99).toFixed(1)} | ${(rF / rS).toFixed(2)}× |`);
