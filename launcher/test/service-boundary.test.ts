// The wall between the gateway and the services, attacked from outside (contract-free, ours):
// - every gRPC call needs the per-install service secret: raw grpc-js calls without it or with a
//   wrong one are UNAUTHENTICATED on all three services (the pty's shell stream included), the
//   right one works, and only grpc.health.v1 answers without it;
// - a socket folder someone else created (another uid, or mode 0777), or a stale socket that is
//   not ours, makes a service refuse to start with a clear message and exit code 1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadConfig, SERVICE_SECRET_METADATA } from '@pi-forge/runtime';
import { REPO_ROOT, startStack, type Stack } from '@pi-forge/test-fixtures';

const METHODS = {
  agent: '/forge.agent.v1.AgentService/GetStats',
  pty: '/forge.pty.v1.PtyService/GetStats',
  workspace: '/forge.workspace.v1.WorkspaceService/ListProjects',
} as const;

/** One raw unary call with an empty request message; resolves with the gRPC status code. */
function rawUnary(url: string, path: string, metadata: grpc.Metadata): Promise<{ code: number; details: string }> {
  const client = new grpc.Client(url, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      metadata,
      { deadline: Date.now() + 10_000 },
      (err) => {
        client.close();
        resolve({ code: err?.code ?? grpc.status.OK, details: err?.details ?? '' });
      },
    );
  });
}

/** The pty's bidi Attach (a shell): the status it ends with when the secret is missing. */
function rawAttach(url: string, metadata: grpc.Metadata): Promise<number> {
  const client = new grpc.Client(url, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    const call = client.makeBidiStreamRequest(
      '/forge.pty.v1.PtyService/Attach',
      (b: Buffer) => b,
      (b: Buffer) => b,
      metadata,
      { deadline: Date.now() + 10_000 },
    );
    call.on('data', () => {});
    call.on('error', (e: grpc.ServiceError) => {
      client.close();
      resolve(e.code);
    });
    call.on('end', () => {
      client.close();
      resolve(grpc.status.OK);
    });
    call.write(Buffer.alloc(0));
  });
}

function withSecret(value?: string): grpc.Metadata {
  const m = new grpc.Metadata();
  if (value !== undefined) m.set(SERVICE_SECRET_METADATA, value);
  return m;
}

describe('service boundary: the gRPC shared secret', () => {
  let stack: Stack;
  const urls: Record<string, string> = {};
  before(async () => {
    stack = await startStack({ name: 'service-secret' });
    for (const name of Object.keys(METHODS))
      urls[name] = stack.logs.find((l) => l.proc === name && typeof l.url === 'string')!.url as string;
  });
  after(async () => {
    await stack?.dispose();
  });

  it('generates the secret into FORGE_DATA_DIR at mode 0600', () => {
    const st = statSync(join(stack.dirs.data, 'grpc-secret'));
    assert.equal(st.mode & 0o777, 0o600);
    assert.ok(stack.serviceSecret().length >= 32);
  });

  it('answers UNAUTHENTICATED without the secret and with a wrong one, on every service; the right one works', async () => {
    for (const [name, path] of Object.entries(METHODS)) {
      const none = await rawUnary(urls[name], path, withSecret());
      assert.equal(none.code, grpc.status.UNAUTHENTICATED, `${name} without the secret: ${none.details}`);
      const wrong = await rawUnary(urls[name], path, withSecret(`${stack.serviceSecret()}x`));
      assert.equal(wrong.code, grpc.status.UNAUTHENTICATED, `${name} with a wrong secret`);
      const empty = await rawUnary(urls[name], path, withSecret(''));
      assert.equal(empty.code, grpc.status.UNAUTHENTICATED, `${name} with an empty secret`);
      const right = await rawUnary(urls[name], path, withSecret(stack.serviceSecret()));
      assert.equal(right.code, grpc.status.OK, `${name} with the secret: ${right.details}`);
    }
    assert.equal(await rawAttach(urls.pty, withSecret()), grpc.status.UNAUTHENTICATED, 'no shell without the secret');
    assert.equal(await rawAttach(urls.pty, withSecret('guess')), grpc.status.UNAUTHENTICATED, 'no shell with a guessed secret');
    // the gateway's own calls carry it
    const projects = await stack.api('/api/v1/projects');
    assert.equal(projects.status, 200);
    assert.deepEqual((await stack.health()).services, { agent: 'serving', pty: 'serving', workspace: 'serving' });
  });

  it('keeps grpc.health.v1 open (probes cannot send metadata), and only it', async () => {
    for (const name of Object.keys(METHODS)) {
      const r = await rawUnary(urls[name], '/grpc.health.v1.Health/Check', withSecret());
      assert.equal(r.code, grpc.status.OK, `${name} health without the secret`);
    }
  });

  it('never logs the secret', async () => {
    await stack.logsSettled();
    assert.ok(!stack.rawLog.some((l) => l.includes(stack.serviceSecret())));
  });
});

/** Starts one service by itself and resolves with its exit code and output once it exits. */
function startAlone(service: 'pty' | 'workspace', env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, `services/${service}/dist/src/main.js`)], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (b) => {
    output += String(b);
  });
  child.stderr.on('data', (b) => {
    output += String(b);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

// chown to a throwaway uid needs root: CI and the dev machines run the tests as root.
describe('service boundary: socket folder squatting', () => {
  let dir: string;
  let env: Record<string, string>;
  let socketDir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pi-forge-squat-'));
    const home = join(dir, 'home');
    mkdirSync(home);
    env = {
      HOME: home,
      FORGE_DATA_DIR: join(dir, 'data'),
      WORKSPACE_PATH: join(dir, 'workspace'),
      PI_CONFIG_DIR: join(dir, 'pi'),
      LOG_LEVEL: 'info',
    };
    // The predictable default folder, exactly as the services derive it (/tmp/pi-forge-<uid>-<hash>).
    socketDir = loadConfig({ env })
      .PTY_GRPC_URL.replace(/^unix:\/\//, '')
      .replace(/\/pty\.sock$/, '');
  });
  after(() => {
    rmSync(socketDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a default socket folder created by another user', async () => {
    mkdirSync(socketDir, { mode: 0o700 });
    chownSync(socketDir, 12345, 12345);
    const r = await startAlone('pty', env);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /refusing socket folder .* belongs to uid 12345, not to us/);
    rmSync(socketDir, { recursive: true, force: true });
  });

  it('refuses a socket folder anyone may write (0777)', async () => {
    mkdirSync(socketDir, { mode: 0o700 });
    chmodSync(socketDir, 0o777);
    const r = await startAlone('workspace', env);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /refusing socket folder .* mode is 0777, it must be 0700/);
    rmSync(socketDir, { recursive: true, force: true });
  });

  it('refuses a stale socket that belongs to another user', async () => {
    mkdirSync(socketDir, { mode: 0o700 });
    const sock = join(socketDir, 'pty.sock');
    // A socket file nobody listens on any more: its server was SIGKILLed, so nobody unlinked it.
    spawnSync(
      process.execPath,
      ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, 'SIGKILL'))`],
      { timeout: 10_000 },
    );
    assert.ok(statSync(sock).isSocket(), 'a stale socket was left behind');
    chownSync(sock, 12345, 12345);
    const r = await startAlone('pty', env);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /refusing stale socket .*pty\.sock: it belongs to uid 12345/);
  });

  it('a private folder of ours is accepted, and a stale socket of ours is replaced: the service starts', async () => {
    rmSync(socketDir, { recursive: true, force: true });
    mkdirSync(socketDir, { mode: 0o700 });
    const sock = join(socketDir, 'pty.sock');
    spawnSync(
      process.execPath,
      ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, 'SIGKILL'))`],
      { timeout: 10_000 },
    );
    assert.ok(statSync(sock).isSocket());
    const child = spawn(process.execPath, [join(REPO_ROOT, 'services/pty/dist/src/main.js')], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b) => {
      output += String(b);
    });
    try {
      const deadline = Date.now() + 30_000;
      while (!output.includes('service listening') && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50));
      assert.match(output, /pty service listening/);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
