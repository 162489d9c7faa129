// Workspace benchmark: what the gateway → gRPC → workspace service path costs for file work,
// against doing the same in this process, measured in the same run.
//   1. File reads: GET /api/v1/files/read vs a direct gRPC ReadFile vs fs.readFile here (req/s).
//   2. Tree of a 10,000-file project: GET /api/v1/files/tree vs an in-process recursive readdir.
//   3. Download throughput of a 100 MiB file: GET /api/v1/files/download vs fs.createReadStream here.
// Each cell is the median of ROUNDS rounds.
import { performance } from 'node:perf_hooks';
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { serviceSecretClientInterceptor } from '@pi-forge/runtime';
import * as protoLoader from '@grpc/proto-loader';
import { startStack } from '../test/fixtures/dist/src/index.js';
import { WORKSPACE_CONTRACT } from '../proto/dist/src/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const READS = Number(process.env.BENCH_READS ?? 1000);
const CONCURRENCY = 8;
const TREE_FILES = 10_000;
const DOWNLOAD_MIB = 100;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** Requests per second of `fn` run `n` times with `c` in flight; median over ROUNDS. */
async function rate(fn, n, c) {
  for (let i = 0; i < 100; i++) await fn();
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: c }, async () => {
        while (next++ < n) await fn();
      }),
    );
    rounds.push(n / ((performance.now() - t0) / 1000));
  }
  return median(rounds);
}

async function timeMs(fn) {
  await fn();
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    await fn();
    rounds.push(performance.now() - t0);
  }
  return median(rounds);
}

const stack = await startStack({ name: 'bench-workspace', env: { API_KEY: 'bench-key' } });
try {
  const api = (path, init = {}) => stack.api(path, { ...init, signal: AbortSignal.timeout(120_000) });
  const mk = async (name) => {
    mkdirSync(join(stack.dirs.workspace, name), { recursive: true });
    return (await api('/api/v1/projects', { method: 'POST', json: { name, path: join(stack.dirs.workspace, name) } })).json();
  };

  // 1. File reads (a 4 KiB TypeScript file).
  const small = await mk('small');
  const file = join(small.path, 'main.ts');
  writeFileSync(file, 'export const x = 1;\n'.repeat(205));
  const url = `/api/v1/files/read?projectId=${small.id}&path=${encodeURIComponent(file)}`;
  const def = protoLoader.loadSync(WORKSPACE_CONTRACT.protoPath, { longs: Number, enums: String, defaults: true, oneofs: true });
  const Ws = grpc.loadPackageDefinition(def).forge.workspace.v1.WorkspaceService;
  const wsUrl = stack.logs.find((l) => l.proc === 'workspace' && typeof l.url === 'string').url;
  const client = new Ws(wsUrl, grpc.credentials.createInsecure(), {
    interceptors: [serviceSecretClientInterceptor(stack.serviceSecret())],
  });
  const viaGrpc = () => new Promise((res, rej) => client.ReadFile({ projectId: small.id, path: file }, (e, r) => (e ? rej(e) : res(r))));
  const direct = async () => {
    const data = await readFile(file);
    return { content: data.toString('utf8'), binary: data.subarray(0, 8000).includes(0) };
  };
  const viaGateway = async () => {
    const r = await api(url);
    if (r.status !== 200) throw new Error(`status ${r.status}`);
    return r.json();
  };
  const reads = [];
  for (const c of [1, CONCURRENCY]) {
    reads.push([`A fs.readFile in this process (c=${c})`, await rate(direct, READS, c)]);
    reads.push([`B gRPC ReadFile to the workspace service (c=${c})`, await rate(viaGrpc, READS, c)]);
    reads.push([`C GET /api/v1/files/read through the gateway (c=${c})`, await rate(viaGateway, READS, c)]);
  }
  client.close();

  // 2. Tree listing of 10,000 files (100 folders × 100 files).
  const big = await mk('tree10k');
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(big.path, `dir${d}`));
    for (let f = 0; f < TREE_FILES / 100; f++) writeFileSync(join(big.path, `dir${d}`, `file${f}.txt`), '');
  }
  let treeBytes = 0;
  const treeGateway = async () => {
    const r = await api(`/api/v1/files/tree?projectId=${big.id}`);
    const t = await r.text();
    treeBytes = t.length;
  };
  const walk = async (dir) => {
    const node = { children: [] };
    for (const e of await readdir(dir, { withFileTypes: true }))
      node.children.push(e.isDirectory() ? await walk(join(dir, e.name)) : { name: e.name });
    return node;
  };
  const treeDirect = async () => JSON.stringify(await walk(big.path));
  const trees = [
    ['A recursive readdir + JSON in this process', await timeMs(treeDirect)],
    ['B GET /api/v1/files/tree through the gateway', await timeMs(treeGateway)],
  ];

  // 3. Download throughput.
  const blob = join(small.path, 'blob.bin');
  writeFileSync(blob, Buffer.alloc(DOWNLOAD_MIB * 1024 * 1024, 7));
  const drainDirect = async () => {
    for await (const _ of createReadStream(blob, { highWaterMark: 256 * 1024 })) {
      /* discard */
    }
  };
  const drainGateway = async () => {
    const r = await api(`/api/v1/files/download?projectId=${small.id}&path=${encodeURIComponent(blob)}`);
    for await (const _ of r.body) {
      /* discard */
    }
  };
  const dl = [
    ['A createReadStream in this process', DOWNLOAD_MIB / ((await timeMs(drainDirect)) / 1000)],
    ['B GET /api/v1/files/download through the gateway', DOWNLOAD_MIB / ((await timeMs(drainGateway)) / 1000)],
  ];

  console.log(`### File reads of a 4 KiB file (${READS} requests per round, median of ${ROUNDS} rounds)\n`);
  console.log('| path | req/s | vs A at same concurrency |');
  console.log('|---|---:|---:|');
  for (let i = 0; i < reads.length; i++) {
    const base = reads[i - (i % 3)][1];
    console.log(`| ${reads[i][0]} | ${reads[i][1].toFixed(0)} | ${(reads[i][1] / base).toFixed(3)}× |`);
  }
  console.log(
    `\n### Tree of a ${TREE_FILES.toLocaleString('en')}-file project (median of ${ROUNDS}; response ${(treeBytes / 1024).toFixed(0)} KiB)\n`,
  );
  console.log('| path | ms | vs A |');
  console.log('|---|---:|---:|');
  for (const [name, ms] of trees) console.log(`| ${name} | ${ms.toFixed(1)} | ${(ms / trees[0][1]).toFixed(2)}× |`);
  console.log(`\n### Download of a ${DOWNLOAD_MIB} MiB file (median of ${ROUNDS})\n`);
  console.log('| path | MiB/s | vs A |');
  console.log('|---|---:|---:|');
  for (const [name, mibs] of dl) console.log(`| ${name} | ${mibs.toFixed(0)} | ${(mibs / dl[0][1]).toFixed(3)}× |`);
} finally {
  await stack.dispose();
}
