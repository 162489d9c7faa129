// The deploy files' process wiring, run for real without Docker or a cluster: the four entry commands
// are started as separate processes with exactly the environment each container would get (the
// image's ENV from deploy/Dockerfile, then the compose `environment:` resolved with .env.example's
// values, or the Kubernetes container `env:`), with only the in-container paths and ports mapped
// to temp folders and free ports. The system must come up healthy, and the health checks the
// files declare (compose healthcheck commands, the kubelet's gRPC probe ports) must pass.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import WebSocket from 'ws';
import * as grpc from '@grpc/grpc-js';
import { connect } from 'node:net';
import { REPO_ROOT, freePort, seedProject, waitFor } from '@pi-forge/test-fixtures';
import { loadManifests, repoFile } from './manifests.js';

const SERVICES = ['agent', 'pty', 'workspace', 'gateway'] as const;
const API_KEY = 'topology-api-key-0123456789abcdef';
const METRICS_TOKEN = 'topology-metrics-token-0123456789';
const GRPC_SECRET = 'topology-grpc-secret-0123456789abcdef';
const UNARY = {
  agent: '/forge.agent.v1.AgentService/GetStats',
  pty: '/forge.pty.v1.PtyService/GetStats',
  workspace: '/forge.workspace.v1.WorkspaceService/ListProjects',
} as const;

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
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, def?: string) =>
    dotenv[name] ? dotenv[name] : (def ?? ''),
  );
}

class Topology {
  readonly dir = mkdtempSync(join(tmpdir(), 'pi-forge-topo-'));
  readonly procs: ChildProcess[] = [];
  readonly log: string[] = [];
  readonly ports = new Map<number, number>();
  private readonly paths: Array<[string, string]>;

  /** `runAs`: start the processes under this uid/gid, as OpenShift's restricted-v2 SCC does (needs root here). */
  constructor(private readonly runAs?: { uid: number; gid: number }) {
    // Volumes are writable by the pod's user (emptyDir, or a PVC through fsGroup).
    if (runAs) chmodSync(this.dir, 0o777);
    const d = (n: string) => {
      const p = join(this.dir, n);
      mkdirSync(p, { recursive: true, mode: 0o777 });
      if (runAs) chmodSync(p, 0o777);
      return p;
    };
    // The image's socket folder is 0700 and owned by its user (a compose volume starts as a copy of it).
    const run = join(this.dir, 'run');
    mkdirSync(run, { mode: 0o700 });
    if (runAs) chownSync(run, runAs.uid, runAs.gid);
    // The pod's secret volume with GRPC_SECRET (kubelet makes it readable by the pod's group).
    const grpc = join(this.dir, 'grpc-secret');
    mkdirSync(grpc);
    writeFileSync(join(grpc, 'grpc-secret'), GRPC_SECRET, { mode: 0o444 });
    // longest prefix first
    this.paths = [
      ['/etc/pi-forge/grpc', grpc],
      ['/home/pi/.pi/agent', d('pi-agent')],
      ['/home/pi/.pi-forge', d('forge')],
      ['/home/pi', d('home')],
      ['/workspace', d('workspace')],
      ['/run/pi-forge', run],
      ['/app/', `${REPO_ROOT}`],
    ];
  }

  /** The temp folder standing in for an in-container path. */
  folder(containerPath: string): string {
    return this.paths.find(([from]) => from === containerPath)![1];
  }

  async mapPorts(ports: number[]): Promise<void> {
    for (const p of ports) this.ports.set(p, await freePort());
  }

  /** In-container paths → temp folders, container ports → free ports; 0.0.0.0 stays (it is what is tested). */
  map(value: string): string {
    let v = value;
    for (const [from, to] of this.paths) {
      if (v === from.replace(/\/$/, '') || v.startsWith(from.endsWith('/') ? from : `${from}/`)) {
        v = to.replace(/\/$/, '') + v.slice(from.replace(/\/$/, '').length);
        break;
      }
      v = v.replace(`unix://${from}`, `unix://${to}`);
    }
    return v.replace(/(^|:)(\d{2,5})(?=$|\/)/, (m, pre: string, port: string) =>
      this.ports.has(Number(port)) ? `${pre}${this.ports.get(Number(port))}` : m,
    );
  }

  start(name: string, args: string[], env: Record<string, string>): void {
    const mapped: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', PI_OFFLINE: '1' };
    for (const [k, v] of Object.entries(env)) mapped[k] = this.map(v);
    // The gateway listens on all interfaces inside its container; on this machine, loopback is enough.
    if (name === 'gateway' && mapped.HOST === '0.0.0.0') mapped.HOST = '127.0.0.1';
    assert.equal(args[0], 'node', `${name} runs node`);
    const child = spawn(process.execPath, args.slice(1), { cwd: REPO_ROOT, env: mapped, stdio: ['ignore', 'pipe', 'pipe'], ...this.runAs });
    child.stdout!.on('data', (b) => this.log.push(String(b)));
    child.stderr!.on('data', (b) => this.log.push(String(b)));
    this.procs.push(child);
  }

  probe(args: string[]): { status: number | null; stderr: string } {
    const mapped = args.map((a) => this.map(a));
    assert.equal(mapped[0], 'node');
    const r = spawnSync(process.execPath, mapped.slice(1), {
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH, PROBE_TIMEOUT_MS: '10000' },
    });
    return { status: r.status, stderr: r.stderr };
  }

  async healthy(gatewayPort: number): Promise<void> {
    await waitFor(
      'all four serving',
      async () => {
        const res = await fetch(`http://127.0.0.1:${gatewayPort}/api/v1/health`, { signal: AbortSignal.timeout(2_000) });
        return ((await res.json()) as { status: string }).status === 'ok';
      },
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${this.log.join('').slice(-3000)}`);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const t = setTimeout(() => p.kill('SIGKILL'), 5_000);
            p.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            p.kill('SIGTERM');
          }),
      ),
    );
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
    assert.equal(
      (await fetch(`http://127.0.0.1:${port}/api/v1/projects`, { headers: { authorization: `Bearer ${API_KEY}` } })).status,
      200,
    );
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);
  });
});

function podWiring(flavour: 'kube' | 'openshift', runAs?: { uid: number; gid: number }): void {
  const topo = new Topology(runAs);
  const deployment = loadManifests(`kubernetes/${flavour}`).find((m) => m.obj.kind === 'Deployment')!.obj;
  const containers = deployment.spec.template.spec.containers as any[];
  const secret: Record<string, string> = { API_KEY, METRICS_TOKEN, UI_PASSWORD: '', JWT_SECRET: '' };
  const grpcPort = (c: any) => Number(/:(\d+)$/.exec(c.env.find((e: any) => e.name === `${c.name.toUpperCase()}_GRPC_URL`).value)![1]);

  before(async () => {
    const project = seedProject({ workspace: topo.folder('/workspace'), data: topo.folder('/home/pi/.pi-forge') }, 'pod-shape');
    if (runAs) chmodSync(project.path, 0o777);
    await topo.mapPorts([
      ...containers.flatMap((c) => (c.ports ?? []).map((p: any) => p.containerPort)),
      ...containers.filter((c) => c.name !== 'gateway').map(grpcPort),
    ]);
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

  it('comes up healthy over loopback TCP; each service answers its exec probe on loopback, nothing on the pod address, and nothing without the gRPC secret', async () => {
    const gateway = containers.find((c) => c.name === 'gateway');
    const port = topo.ports.get(gateway.ports[0].containerPort)!;
    await topo.healthy(port);
    // Other pods dial the pod IP: use this machine's own address when it has one.
    const podIp = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    for (const c of containers.filter((x) => x.name !== 'gateway')) {
      for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const r = topo.probe(c[kind].exec.command);
        assert.equal(r.status, 0, `${c.name} ${kind}: ${r.stderr}`);
      }
      const mapped = topo.ports.get(grpcPort(c))!;
      if (podIp) {
        const reach = await new Promise<string>((resolve) => {
          const s = connect(mapped, podIp);
          s.once('connect', () => {
            s.destroy();
            resolve('connected');
          });
          s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        });
        assert.equal(reach, 'ECONNREFUSED', `${c.name} must not listen on the pod address ${podIp}:${mapped}`);
      }
      // On loopback, a call without the secret (a process in another container of the pod, a sidecar) is refused.
      const code = await new Promise<number>((resolve) => {
        const client = new grpc.Client(`127.0.0.1:${mapped}`, grpc.credentials.createInsecure());
        client.makeUnaryRequest(
          UNARY[c.name as keyof typeof UNARY],
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          new grpc.Metadata(),
          { deadline: Date.now() + 10_000 },
          (err) => {
            client.close();
            resolve(err?.code ?? grpc.status.OK);
          },
        );
      });
      assert.equal(code, grpc.status.UNAUTHENTICATED, `${c.name} without the gRPC secret`);
    }
    const http = gateway.readinessProbe.httpGet;
    assert.equal((await fetch(`http://127.0.0.1:${port}${http.path}`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);
  });

  it("does real work in that shape: the project list, and a terminal shell writing to the workspace as the pod's user", async () => {
    const port = topo.ports.get(containers.find((c) => c.name === 'gateway').ports[0].containerPort)!;
    const auth = { authorization: `Bearer ${API_KEY}` };
    const listed = await fetch(`http://127.0.0.1:${port}/api/v1/projects`, { headers: auth });
    assert.equal(listed.status, 200);
    const project = ((await listed.json()) as { projects: Array<{ id: string; name: string }> }).projects.find(
      (p) => p.name === 'pod-shape',
    )!;
    assert.ok(project, 'the seeded project is listed');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/terminal?projectId=${project.id}&token=${API_KEY}`);
    let output = '';
    ws.on('message', (d: Buffer) => {
      output += d.toString();
    });
    ws.on('error', () => {});
    try {
      await waitFor('terminal open', () => ws.readyState === WebSocket.OPEN, 10_000);
      ws.send(JSON.stringify({ type: 'input', data: 'echo "uid=$(id -u)" > from-shell.txt; echo shell-$((6*7))\r' }));
      await waitFor('shell answered', () => output.includes('shell-42'), 10_000).catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(output.slice(-400))}`);
      });
    } finally {
      ws.terminate();
    }
    const uid = runAs?.uid ?? process.getuid?.();
    assert.equal(readFileSync(join(topo.folder('/workspace'), 'pod-shape', 'from-shell.txt'), 'utf8').trim(), `uid=${uid}`);
  });
}

describe('kubernetes/kube pod wiring, run as four processes', () => podWiring('kube'));

// restricted-v2 gives the pod a UID from the project's range, with no passwd entry and group 0.
const root = typeof process.getuid === 'function' && process.getuid() === 0;
describe('kubernetes/openshift pod wiring, run as four processes under an arbitrary UID', () => {
  it('runs as root here, so it can start the processes under another UID', () => {
    assert.ok(root, 'this test starts processes as uid 1000730000 and needs root (CI and the dev machines run as root)');
  });
  if (root) podWiring('openshift', { uid: 1000730000, gid: 0 });
});
