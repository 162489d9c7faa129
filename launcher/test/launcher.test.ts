// The foundation end to end: four real processes, real gRPC over unix sockets, real signals.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { loadConfig as loadConfigFor } from '@pi-forge/runtime';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { descendants, isGone, REPO_ROOT, stackEnv, startStack, waitFor, type ProcName, type Stack } from '@pi-forge/test-fixtures';

describe('launcher: boot, crash recovery, shutdown', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ name: 'launcher' });
  });
  after(async () => {
    await stack?.dispose();
  });

  it('boots all four from fresh folders: health ok, every service serving', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/health`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body, {
      status: 'ok',
      activeSessions: 0,
      activePtys: 0,
      services: { agent: 'serving', pty: 'serving', workspace: 'serving' },
    });
    const ready = stack.logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('pi-forge ready at'));
    console.log(`time to healthy: ${ready?.readyMs} ms`);
    // four processes besides the launcher, each its own OS process
    const pids = (['gateway', 'agent', 'pty', 'workspace'] as ProcName[]).map((p) => stack.pid(p));
    assert.equal(new Set(pids).size, 4);
    for (const pid of pids) assert.ok(!isGone(pid));
  });

  it('merges every process log into one pino JSON stream tagged by process', () => {
    const procs = new Set(stack.logs.map((l) => l.proc));
    for (const p of ['launcher', 'gateway', 'agent', 'pty', 'workspace']) assert.ok(procs.has(p), `no log line from ${p}`);
    for (const line of stack.rawLog) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
  });

  it('answers unknown /api paths with a JSON 404', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/no-such-route`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.equal((await res.json()).error, 'not_found');
  });

  it('redacts token= and ticket= from request logs', async () => {
    await fetch(`${stack.baseUrl}/api/v1/health?token=sekrit-token-value&ticket=sekrit-ticket-value`);
    await waitFor('request logged', () => stack.rawLog.some((l) => l.includes('"url":"/api/v1/health?token=REDACTED')));
    assert.ok(!stack.rawLog.some((l) => l.includes('sekrit-token-value') || l.includes('sekrit-ticket-value')));
  });

  for (const proc of ['workspace', 'pty', 'agent'] as const) {
    it(`kill -9 of the ${proc} service: health says degraded at once, then ok again after the restart`, async () => {
      const oldPid = await stack.kill9(proc);
      const t0 = Date.now();
      const res = await fetch(`${stack.baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(1_000) });
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.ok(Date.now() - t0 < 1_000, 'health answered within 1 s');
      // The restart is at least 100 ms of backoff plus a boot away, so health must see the gap.
      assert.equal(body.status, 'degraded');
      assert.notEqual(body.services[proc], 'serving');
      for (const other of ['agent', 'pty', 'workspace'].filter((p) => p !== proc)) assert.equal(body.services[other], 'serving');
      await waitFor('health ok again', async () => (await stack.health()).status === 'ok', 20_000);
      assert.notEqual(stack.pid(proc), oldPid, 'a new process serves');
      assert.ok(stack.logs.some((l) => l.msg === 'process exited unexpectedly; restarting' && l.child === proc));
    });
  }

  it('kill -9 of the gateway: the launcher restarts it on the same port', async () => {
    const old = await stack.kill9('gateway');
    await waitFor('gateway back', async () => (await stack.health()).status === 'ok', 20_000);
    assert.notEqual(stack.pid('gateway'), old);
  });

  it('SIGTERM stops everything cleanly, leaves no process or socket, and a restart works', async () => {
    const tree = descendants(stack.launcher.pid!);
    assert.ok(tree.length >= 4, `expected the four children, saw ${tree.length}`);
    const t0 = Date.now();
    const code = await stack.stop();
    const ms = Date.now() - t0;
    console.log(`shutdown took ${ms} ms`);
    assert.equal(code, 0);
    await waitFor('every child gone', () => tree.every(isGone), 2_000);
    const sockets = stack.logs
      .filter((l) => typeof l.url === 'string' && (l.url as string).startsWith('unix://'))
      .map((l) => (l.url as string).slice('unix://'.length));
    assert.equal(new Set(sockets).size, 3);
    for (const sock of sockets) assert.ok(!existsSync(sock), `stale socket ${sock}`);
    assert.ok(!existsSync(sockets[0].slice(0, sockets[0].lastIndexOf('/'))), 'runtime folder removed');
    const again = await startStack({ name: 'launcher-restart', dirs: stack.dirs, port: stack.port });
    try {
      assert.equal((await again.health()).status, 'ok');
    } finally {
      await again.stop();
    }
  });
});

describe('launcher: configuration', () => {
  it('stops with exit code 2 and names the variable on a bad value', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'launcher/dist/src/main.js')], {
      env: { ...process.env, PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /PORT must be a non-negative integer, got "eighty"/);
  });

  it('rejects unknown flags and prints grouped help', () => {
    const bad = spawnSync(process.execPath, [join(REPO_ROOT, 'launcher/dist/src/main.js'), '--no-such-flag'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown flag --no-such-flag/);
    const help = spawnSync(process.execPath, [join(REPO_ROOT, 'launcher/dist/src/main.js'), '--help'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(help.status, 0);
    for (const group of ['Network:', 'Paths:', 'Auth:', 'Services:']) assert.ok(help.stdout.includes(group), group);
    assert.match(help.stdout, /--port <int>\s+PORT \(default: 3000\)/);
  });

  it('a flag beats the env var (pi-forge --port)', async () => {
    const { freePort } = await import('@pi-forge/test-fixtures');
    const port = await freePort();
    const stack = await startStack({ name: 'launcher-flag', env: { PORT: '1' }, args: ['--port', String(port)], port });
    try {
      assert.equal((await stack.health()).status, 'ok');
    } finally {
      await stack.dispose();
    }
  });

  it('the pi-forge bin starts the same system', async () => {
    const { freePort } = await import('@pi-forge/test-fixtures');
    const port = await freePort();
    const stack = await startStack({
      name: 'launcher-bin',
      args: ['--port', String(port)],
      port,
      entry: join(REPO_ROOT, 'launcher/bin/pi-forge.mjs'),
    });
    try {
      assert.equal((await stack.health()).status, 'ok');
    } finally {
      await stack.dispose();
    }
  });
});

describe('health: a hung service', () => {
  it('answers within about a second, naming the frozen service, and recovers when it resumes', async () => {
    const stack = await startStack({ name: 'health-hang' });
    try {
      const pid = stack.pid('workspace');
      process.kill(pid, 'SIGSTOP');
      try {
        const t0 = Date.now();
        const res = await fetch(`${stack.baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(3_000) });
        const ms = Date.now() - t0;
        assert.equal(res.status, 200);
        const body = await res.json();
        assert.equal(body.status, 'degraded');
        assert.equal(body.services.workspace, 'unreachable');
        assert.equal(body.services.agent, 'serving');
        assert.ok(ms < 1_500, `health took ${ms} ms`);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await waitFor('health ok again', async () => (await stack.health()).status === 'ok', 20_000);
    } finally {
      await stack.dispose();
    }
  });
});

describe('ready means ready', () => {
  it('a script polling /api/v1/health until it answers 200 sees status ok on that first 200', async () => {
    const { makeStackDirs, freePort } = await import('@pi-forge/test-fixtures');
    const { spawn } = await import('node:child_process');
    const dirs = makeStackDirs();
    const port = await freePort();
    const env = stackEnv(dirs, port);
    const launcher = spawn(process.execPath, [join(REPO_ROOT, 'launcher/dist/src/main.js')], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      // Exactly what an operator's readiness script does: no answer yet → try again.
      const first = await waitFor(
        'the first 200 from /api/v1/health',
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
          return res?.status === 200 ? ((await res.json()) as { status: string; services: Record<string, string> }) : undefined;
        },
        60_000,
        20,
      );
      assert.equal(first.status, 'ok', JSON.stringify(first));
      assert.deepEqual(first.services, { agent: 'serving', pty: 'serving', workspace: 'serving' });
    } finally {
      launcher.kill('SIGTERM');
      await new Promise((r) => (launcher.exitCode !== null ? r(null) : launcher.once('exit', r)));
      rmSync(dirs.root, { recursive: true, force: true });
    }
    assert.equal(launcher.exitCode, 0, 'the launcher stops cleanly on SIGTERM');
  });
});

describe('each process starts alone', () => {
  it('a service started by itself serves grpc.health.v1, and a lone gateway reports it', async () => {
    const { makeStackDirs, freePort } = await import('@pi-forge/test-fixtures');
    const dirs = makeStackDirs();
    const port = await freePort();
    // A short wait for services: two of three never come, so the gateway listens degraded.
    const env = stackEnv(dirs, port, { SERVICES_READY_TIMEOUT_MS: '500' });
    const { spawn } = await import('node:child_process');
    const workspace = spawn(process.execPath, [join(REPO_ROOT, 'services/workspace/dist/src/main.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = spawn(process.execPath, [join(REPO_ROOT, 'gateway/dist/src/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let gatewayLog = '';
    gateway.stdout!.on('data', (d) => (gatewayLog += d));
    try {
      const body = await waitFor(
        'lone gateway sees the workspace service',
        async () => {
          const b = await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json();
          return b.services?.workspace === 'serving' ? b : undefined;
        },
        15_000,
      );
      assert.equal(body.status, 'degraded');
      assert.equal(body.services.agent, 'unreachable');
      assert.equal(body.services.pty, 'unreachable');
      // It says why it listens degraded, naming the services it waited for.
      const warn = gatewayLog
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; services?: Record<string, string> })
        .find((l) => l.msg === 'services not serving in time; listening degraded');
      assert.ok(warn, `no degraded-listen line in: ${gatewayLog}`);
      assert.equal(warn.services?.agent, 'unreachable');

      // grpc.health.v1 Watch: SERVING now, NOT_SERVING as soon as shutdown begins.
      const grpc = await import('@grpc/grpc-js');
      const loader = await import('@grpc/proto-loader');
      const { HEALTH_PROTO_PATH } = await import('@pi-forge/proto');
      const { loadConfig } = await import('@pi-forge/runtime');
      const url = loadConfig({ env }).WORKSPACE_GRPC_URL;
      const Health = (grpc.loadPackageDefinition(loader.loadSync(HEALTH_PROTO_PATH, { enums: String })) as any).grpc.health.v1.Health;
      const health = new Health(url, grpc.credentials.createInsecure());
      const seen: string[] = [];
      const watch = health.Watch({ service: '' });
      watch.on('data', (m: { status: string }) => seen.push(m.status));
      watch.on('error', () => {});
      await waitFor('SERVING from Watch', () => seen.includes('SERVING'), 5_000);
      workspace.kill('SIGTERM');
      await waitFor('NOT_SERVING from Watch', () => seen.includes('NOT_SERVING'), 5_000);
      watch.cancel();
      health.close();
    } finally {
      for (const p of [gateway, workspace]) p.kill('SIGTERM');
      await Promise.all([gateway, workspace].map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
      assert.equal(workspace.exitCode, 0);
      assert.equal(gateway.exitCode, 0);
      const sock = loadConfigFor({ env }).WORKSPACE_GRPC_URL.slice('unix://'.length);
      assert.ok(!existsSync(sock.slice(0, sock.lastIndexOf('/'))), 'a lone service removes its socket folder too');
      rmSync(dirs.root, { recursive: true, force: true });
    }
  });
});

describe('no orphans, no stale sockets', () => {
  it('kill -9 of the launcher: its children notice and exit on their own', async () => {
    const stack = await startStack({ name: 'launcher-kill9' });
    try {
      const children = (['gateway', 'agent', 'pty', 'workspace'] as ProcName[]).map((p) => stack.pid(p));
      process.kill(stack.launcher.pid!, 'SIGKILL');
      await waitFor('all four children gone', () => children.every(isGone), 5_000);
      const sockets = stack.logs
        .filter((l) => typeof l.url === 'string' && (l.url as string).startsWith('unix://'))
        .map((l) => (l.url as string).slice(7));
      for (const sock of sockets) assert.ok(!existsSync(sock), `socket ${sock} left behind`);
    } finally {
      await stack.dispose();
    }
  });

  it('a test process that dies without stopping its stack: the launcher sees its IPC channel close and stops everything', async () => {
    const stack = await startStack({ name: 'launcher-parent-gone' });
    try {
      const all = [stack.launcher.pid!, ...(['gateway', 'agent', 'pty', 'workspace'] as ProcName[]).map((p) => stack.pid(p))];
      // What the parent's death does to the channel, without killing this test process.
      stack.launcher.disconnect();
      await waitFor('launcher and children gone', () => all.every(isGone), 15_000);
      assert.ok(stack.logs.some((l) => l.msg === 'stopping pi-forge' && l.signal === 'parent-gone'));
    } finally {
      await stack.dispose();
    }
  });

  it('a socket file left by a killed service does not stop the next start', async () => {
    const { makeStackDirs, freePort } = await import('@pi-forge/test-fixtures');
    const { loadConfig } = await import('@pi-forge/runtime');
    const { spawn } = await import('node:child_process');
    const { mkdirSync } = await import('node:fs');
    const dirs = makeStackDirs();
    const sock = loadConfig({ env: { HOME: dirs.home, FORGE_DATA_DIR: dirs.data } }).PTY_GRPC_URL.slice('unix://'.length);
    mkdirSync(sock.slice(0, sock.lastIndexOf('/')), { recursive: true, mode: 0o700 }); // as a service makes it
    // A process that binds the socket path and then dies by SIGKILL, leaving the file.
    const holder = spawn(
      process.execPath,
      ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('bound'))`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((r) => holder.stdout!.once('data', r));
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    assert.ok(existsSync(sock), 'stale socket file exists before start');
    const stack = await startStack({ name: 'launcher-stale-socket', dirs, port: await freePort() });
    try {
      assert.equal((await stack.health()).services.pty, 'serving');
    } finally {
      await stack.dispose();
    }
  });
});

describe('npm start', () => {
  it('serves health, and SIGTERM to npm (as a supervisor sends it) stops every process', async () => {
    const { makeStackDirs, freePort } = await import('@pi-forge/test-fixtures');
    const { spawn } = await import('node:child_process');
    const dirs = makeStackDirs();
    const port = await freePort();
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      HOME: dirs.home,
      WORKSPACE_PATH: dirs.workspace,
      FORGE_DATA_DIR: dirs.data,
      PI_CONFIG_DIR: dirs.piConfig,
    };
    delete env.PORT;
    const npm = spawn('npm', ['start', '--', '--port', String(port)], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    npm.stdout!.on('data', (d) => {
      out += d;
    });
    npm.stderr!.on('data', (d) => {
      out += d;
    });
    let children: number[] = [];
    try {
      await waitFor('pi-forge ready via npm start', () => out.includes(`pi-forge ready at http://127.0.0.1:${port}`), 60_000);
      children = descendants(npm.pid!);
      assert.ok(children.length >= 5, `launcher and four processes under npm, saw ${children.length}`);
      npm.kill('SIGTERM');
      await waitFor('every process gone', () => children.every(isGone), 5_000);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      // If npm died without passing the signal on, the launcher was re-parented: kill what we saw.
      for (const pid of [...children, ...descendants(npm.pid!)])
        try {
          if (!isGone(pid)) process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      npm.stdout!.destroy();
      npm.stderr!.destroy();
      rmSync(dirs.root, { recursive: true, force: true });
    }
  });
});
