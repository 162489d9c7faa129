// The deploy files' process wiring, run for real without Docker or a cluster: the four entry commands
// are started as separate processes with exactly the environment each container would get (the
// image's ENV from deploy/Dockerfile, then the compose `environment:` resolved with .env.example's
// values, or the Kubernetes container `env:`), with only the in-container paths and ports mapped
// to temp folders and free ports. The system must come up healthy, and the health checks the
// files declare (compose healthcheck commands, the kubelet's gRPC probe ports) must pass.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, freePort, waitFor } from '@pi-forge/test-fixtures';
import { loadManifests, repoFile } from './manifests.js';

const SERVICES = ['agent', 'pty', 'workspace', 'gateway'] as const;
const API_KEY = 'topology-api-key-0123456789abcdef';
const METRICS_TOKEN = 'topology-metrics-token-0123456789';

/** ENV of the Dockerfile's last stage, as the image sets it. */
function imageEnv(): Record<string, string> {
  const text = readFileSync(join(REPO_ROOT, 'deploy', 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const runtime = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of runtime.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const m of line.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]] = m[2];
  }
  return env;
}

/** `${VAR:-default}` / `${VAR}` with values from .env.example, as compose would with that .env. */
function composeValue(value: string, dotenv: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, def?: string) => (dotenv[name] ? dotenv[name] : def ?? ''));
}

class Topology {
  readonly dir = mkdtempSync(join(tmpdir(), 'pi-forge-topo-'));
  readonly procs: ChildProcess[] = [];
  readonly log: string[] = [];
  readonly ports = new Map<number, number>();
  private readonly paths: Array<[string, string]>;

  constructor() {
    const d = (n: string) => { const p = join(this.dir, n); mkdirSync(p, { recursive: true }); return p; };
    // longest prefix first
    this.paths = [['/home/pi/.pi/agent', d('pi-agent')], ['/home/pi/.pi-forge', d('forge')], ['/home/pi', d('home')], ['/workspace', d('workspace')], ['/run/pi-forge', d('run')], ['/app/', `${REPO_ROOT}`]];
  }

  async mapPorts(ports: number[]): Promise<void> {
    for (const p of ports) this.ports.set(p, await freePort());
  }

  /** In-container paths → temp folders, container ports → free ports; 0.0.0.0 stays (it is what is tested). */
  map(value: string): string {
    let v = value;
    for (const [from, to] of this.paths) {
      if (v === from.replace(/\/$/, '') || v.startsWith(from.endsWith('/') ? from : `${from}/`)) { v = to.replace(/\/$/, '') + v.slice(from.replace(/\/$/, '').length); break; }
      v = v.replace(`unix://${from}`, `unix://${to}`);
    }
    return v.replace(/(^|:)(\d{2,5})(?=$|\/)/, (m, pre: string, port: string) => (this.ports.has(Number(port)) ? `${pre}${this.ports.get(Number(port))}` : m));
  }

  start(name: string, args: string[], env: Record<string, string>): void {
    const mapped: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', PI_OFFLINE: '1' };
    for (const [k, v] of Object.entries(env)) mapped[k] = this.map(v);
    // The gateway listens on all interfaces inside its container; on this machine, loopback is enough.
    if (name === 'gateway' && mapped.HOST === '0.0.0.0') mapped.HOST = '127.0.0.1';
    assert.equal(args[0], 'node', `${name} runs node`);
    const child = spawn(process.execPath, args.slice(1), { cwd: REPO_ROOT, env: mapped, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (b) => this.log.push(String(b)));
    child.stderr!.on('data', (b) => this.log.push(String(b)));
    this.procs.push(child);
  }

  probe(args: string[]): { status: number | null; stderr: string } {
    const mapped = args.map((a) => this.map(a));
    assert.equal(mapped[0], 'node');
    const r = spawnSync(process.execPath, mapped.slice(1), { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH, PROBE_TIMEOUT_MS: '3000' } });
    return { status: r.status, stderr: r.stderr };
  }

  async healthy(gatewayPort: number): Promise<void> {
    await waitFor('all four serving', async () => {
      const res = await fetch(`http://127.0.0.1:${gatewayPort}/api/v1/health`, { signal: AbortSignal.timeout(2_000) });
      return ((await res.json()) as { status: string }).status === 'ok';
    }, 30_000).catch((err: Error) => { throw new Error(`${err.message}\n${this.log.join('').slice(-3000)}`); });
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      const t = setTimeout(() => p.kill('SIGKILL'), 5_000);
      p.once('exit', () => { clearTimeout(t); resolve(); });
      p.kill('SIGTERM');
    })));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('docker-compose.yml wiring, run as four processes', () => {
  const topo = new Topology();
  const compose = parse(repoFile('docker-compose.yml'), { merge: true }) as any;
  const dotenv = Object.fromEntries([...repoFile('.env.example').matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  dotenv.API_KEY = API_KEY;
  dotenv.METRICS_TOKEN = METRICS_TOKEN;

  before(async () => {
    await topo.mapPorts([3000]);
    for (const name of SERVICES) {
      const svc = compose.services[name];
      const env: Record<string, string> = { ...imageEnv() };
      for (const [k, v] of Object.entries(svc.environment as Record<string, string>)) env[k] = composeValue(String(v), dotenv);
      topo.start(name, svc.command, env);
    }
  });
  after(async () => {
    await topo.stop();
  });

  it('comes up healthy over the shared socket folder, and every declared health check passes', async () => {
    const port = topo.ports.get(3000)!;
    await topo.healthy(port);
    for (const name of SERVICES) {
      const r = topo.probe(compose.services[name].healthcheck.test.slice(1));
      assert.equal(r.status, 0, `${name} healthcheck: ${r.stderr}`);
    }
    // the gateway got the secrets: auth is on, the metrics token works
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/projects`)).status, 401);
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/projects`, { headers: { authorization: `Bearer ${API_KEY}` } })).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);
  });
});

describe('kubernetes/kube pod wiring, run as four processes', () => {
  const topo = new Topology();
  const deployment = loadManifests('kubernetes/kube').find((m) => m.obj.kind === 'Deployment')!.obj;
  const containers = deployment.spec.template.spec.containers as any[];
  const secret: Record<string, string> = { API_KEY, METRICS_TOKEN, UI_PASSWORD: '', JWT_SECRET: '' };

  before(async () => {
    await topo.mapPorts(containers.flatMap((c) => c.ports.map((p: any) => p.containerPort)));
    for (const name of SERVICES) {
      const c = containers.find((x) => x.name === name);
      const env: Record<string, string> = { ...imageEnv() };
      for (const e of c.env) env[e.name] = e.valueFrom?.secretKeyRef ? secret[e.valueFrom.secretKeyRef.key] : String(e.value);
      topo.start(name, c.args, env);
    }
  });
  after(async () => {
    await topo.stop();
  });

  it('comes up healthy over loopback TCP, and the kubelet\'s gRPC probes reach each service on the pod address', async () => {
    const gateway = containers.find((c) => c.name === 'gateway');
    const port = topo.ports.get(gateway.ports[0].containerPort)!;
    await topo.healthy(port);
    // The kubelet dials the pod IP, not loopback: use this machine's own address when it has one.
    const podIp = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1';
    for (const c of containers.filter((x) => x.name !== 'gateway')) {
      const grpcPort = topo.ports.get(c.livenessProbe.grpc.port)!;
      const r = topo.probe(['node', '/app/deploy/probe.mjs', `${podIp}:${grpcPort}`]);
      assert.equal(r.status, 0, `${c.name} gRPC probe on ${podIp}:${grpcPort}: ${r.stderr}`);
    }
    const http = gateway.readinessProbe.httpGet;
    assert.equal((await fetch(`http://127.0.0.1:${port}${http.path}`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);
  });
});
