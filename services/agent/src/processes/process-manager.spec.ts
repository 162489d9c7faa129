// ProcessManager with real /bin/sh children: the cap, the environment, events, stdin, the stop
// sequence against a process that ignores SIGTERM, and cleanup of the whole group with the session.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { recordingLogger } from '../testing/fake-agent-sdk.js';
import { signalGroup, type GroupSignaller } from './managed-process.js';
import type { WatchMatch } from './log-watches.js';
import type { EndReason, ProcessInfo } from './process-info.js';
import { ProcessManager, type ProcessListener } from './process-manager.js';

const SID = 'session-1';

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alive(pid: number): boolean {
  try {
    const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

class Recorder implements ProcessListener {
  updates: ProcessInfo[][] = [];
  outputs: string[] = [];
  watches: WatchMatch[] = [];
  ends: { p: ProcessInfo; reason: EndReason }[] = [];
  update(processes: ProcessInfo[]) {
    this.updates.push(processes);
  }
  output(id: string) {
    this.outputs.push(id);
  }
  watch(_p: ProcessInfo, m: WatchMatch) {
    this.watches.push(m);
  }
  ended(p: ProcessInfo, reason: EndReason) {
    this.ends.push({ p, reason });
  }
}

describe('ProcessManager', () => {
  let root: string;
  let signal: GroupSignaller;
  let manager: ProcessManager;
  let events: Recorder;
  const make = (extra: Partial<Record<string, unknown>> = {}) => {
    const config = {
      FORGE_DATA_DIR: join(root, 'data'),
      PROCESS_MAX_PER_SESSION: 2,
      MINIMAL_UI: false,
      AGENT_TOOL_SANDBOX_ENABLED: false,
      TERMINAL_PASSTHROUGH_ENV: [],
      inheritedEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, OPENAI_API_KEY: 'sk-secret-in-agent-env' },
      ...extra,
    } as unknown as ForgeConfig;
    manager = new ProcessManager(config, recordingLogger(), {
      signal: (pgid, sig) => signal(pgid, sig),
      timings: { termGraceMs: 400, killGraceMs: 400 },
    });
    events = new Recorder();
    manager.listen(SID, events);
  };
  const start = (command: string, extra: Record<string, unknown> = {}) => manager.start(SID, { command, cwd: root, ...extra });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'process-manager-'));
    signal = signalGroup;
    make();
  });
  afterEach(async () => {
    signal = signalGroup;
    await manager.disposeSession(SID);
    rmSync(root, { recursive: true, force: true });
  });

  it('runs the command in the project folder with a scrubbed env, logging to the contract path', async () => {
    const p = await start('pwd; echo "key=${OPENAI_API_KEY:-none}"; echo oops >&2; exit 3', { name: 'probe' });
    assert.match(p.id, /^[0-9a-f]{8}$/);
    assert.equal(p.stdoutFile, join(root, 'data', 'processes', SID, p.id, 'stdout.log'));
    await until('exit', () => events.ends.length === 1);
    const out = manager.output(SID, p.id);
    assert.deepEqual(out.stdout, [root, 'key=none']);
    assert.deepEqual(out.stderr, ['oops']);
    const [ended] = events.ends;
    assert.equal(ended!.reason, 'failure');
    assert.equal(ended!.p.status, 'exited');
    assert.equal(ended!.p.exitCode, 3);
    assert.equal(ended!.p.success, false);
    await until('logs flushed', () => readFileSync(p.stderrFile, 'utf8') === 'oops\n');
    assert.equal(readFileSync(p.stdoutFile, 'utf8'), `${root}\nkey=none\n`);
  });

  it('reports start, end and success, and the list says so', async () => {
    const p = await start('true', { alertOnSuccess: true });
    assert.equal(events.updates[0]![0]!.status, 'running');
    await until('exit', () => events.ends.length === 1);
    assert.equal(events.ends[0]!.reason, 'success');
    assert.equal(manager.list(SID)[0]!.status, 'exited');
    assert.equal(manager.list(SID)[0]!.id, p.id);
    assert.equal(manager.find(SID, p.name)?.id, p.id, 'found by name too');
  });

  it('refuses a start beyond PROCESS_MAX_PER_SESSION running processes, and under MINIMAL_UI', async () => {
    await start('sleep 30');
    await start('sleep 30');
    await assert.rejects(start('sleep 30'), (err: Error & { error?: { message: string } }) =>
      /too_many_processes/.test(JSON.stringify((err as unknown as { getError(): unknown }).getError())),
    );
    make({ MINIMAL_UI: true });
    await assert.rejects(manager.start('other', { command: 'true', cwd: root }), (err: unknown) =>
      /minimal_ui_disabled/.test(JSON.stringify((err as { getError(): unknown }).getError())),
    );
  });

  it('fires watches on complete lines', async () => {
    await start(`node -e "let i=0; const t=setInterval(()=>{console.log('tick '+i++); if(i>5) clearInterval(t)},20)"`, {
      watches: [{ pattern: 'tick [3-9]' }],
    });
    await until('exit', () => events.ends.length === 1);
    assert.equal(events.watches.length, 1);
    assert.equal(events.watches[0]!.line, 'tick 3');
  });

  it('sends at most about ten output events a second for a chatty process', async () => {
    const p = await start(
      `node -e "const end=Date.now()+1500; const t=setInterval(()=>{console.log('x'.repeat(50)); if(Date.now()>end){clearInterval(t)}},1)"`,
    );
    await until('exit', () => events.ends.length === 1);
    await new Promise((r) => setTimeout(r, 250));
    const lines = manager.output(SID, p.id, 1000).stdout.length;
    assert.ok(lines > 100, `the process printed ${lines} lines`);
    // The trailing event of each 100 ms window arrives: bounded by the run time (with scheduling slack).
    assert.ok(events.outputs.length <= 2 * 10 + 4, `${events.outputs.length} output events for ${lines} lines`);
    assert.ok(events.outputs.length >= 1);
  });

  it('writes stdin, closes it, and answers process_exited once the process has ended', async () => {
    const p = await start('cat');
    assert.deepEqual(await manager.write(SID, p.id, 'hello\n', false), { ok: true });
    await until('echo', () => manager.output(SID, p.id).stdout.includes('hello'));
    assert.deepEqual(await manager.write(SID, p.id, 'bye\n', true), { ok: true });
    assert.deepEqual(await manager.write(SID, p.id, 'more', false), { ok: false, reason: 'stdin_closed' });
    await until('cat exits at EOF', () => events.ends.length === 1);
    assert.deepEqual(await manager.write(SID, p.id, 'late', false), { ok: false, reason: 'process_exited' });
  });

  it('kill: SIGTERM, then SIGKILL for a process that ignores SIGTERM; no alert for a kill asked for', async () => {
    const p = await start(`trap '' TERM; echo ready; while :; do sleep 0.05; done`);
    await until('the trap set', () => manager.output(SID, p.id).stdout.includes('ready'));
    const sent: string[] = [];
    signal = (pgid, sig) => {
      sent.push(sig);
      signalGroup(pgid, sig);
    };
    const r = await manager.kill(SID, p.id);
    assert.deepEqual(r, { ok: true });
    assert.deepEqual(sent, ['SIGTERM', 'SIGKILL']);
    const info = manager.list(SID)[0]!;
    assert.equal(info.status, 'killed');
    assert.ok(events.updates.some((u) => u[0]!.status === 'terminating'));
    assert.equal(events.ends.length, 0, 'a requested kill is not an alert');
    assert.ok(!alive(p.pid));
  });

  it('kill: terminate_timeout when the group survives SIGKILL too', async () => {
    const p = await start('sleep 30');
    signal = () => {}; // signals that never arrive
    assert.deepEqual(await manager.kill(SID, p.id), { ok: false, reason: 'timeout' });
    assert.equal(manager.list(SID)[0]!.status, 'terminate_timeout');
    signal = signalGroup;
    assert.deepEqual(await manager.kill(SID, p.id), { ok: true });
  });

  it('an outside kill is reported as killed', async () => {
    const p = await start('sleep 30', { alertOnKill: true });
    process.kill(p.pid, 'SIGTERM');
    await until('end', () => events.ends.length === 1);
    assert.equal(events.ends[0]!.reason, 'killed');
    assert.equal(events.ends[0]!.p.status, 'killed');
  });

  it('clear forgets finished processes and their logs, not running ones', async () => {
    const done = await start('true');
    const running = await start('sleep 30');
    await until('exit', () => events.ends.length === 1);
    assert.equal(await manager.clear(SID), 1);
    assert.deepEqual(
      manager.list(SID).map((p) => p.id),
      [running.id],
    );
    assert.ok(!existsSync(join(root, 'data', 'processes', SID, done.id)));
    assert.ok(existsSync(join(root, 'data', 'processes', SID, running.id)));
  });

  it('disposeSession kills the whole group (children the shell started too) and removes the log folder', async () => {
    const p = await start('sleep 60 & sleep 60 & wait');
    await new Promise((r) => setTimeout(r, 200));
    const children = readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    assert.equal(children.length, 2);
    await manager.disposeSession(SID);
    await until('all gone', () => !alive(p.pid) && children.every((c) => !alive(c)), 5_000);
    assert.ok(!existsSync(join(root, 'data', 'processes', SID)));
    assert.throws(() => manager.output(SID, p.id), /process_not_found/);
  });
});

describe('ProcessManager at start', () => {
  it('kills the process groups a crashed predecessor left behind and removes their folders', async () => {
    const root = mkdtempSync(join(tmpdir(), 'process-orphans-'));
    const config = {
      FORGE_DATA_DIR: join(root, 'data'),
      PROCESS_MAX_PER_SESSION: 4,
      MINIMAL_UI: false,
      AGENT_TOOL_SANDBOX_ENABLED: false,
      TERMINAL_PASSTHROUGH_ENV: [],
      inheritedEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    } as unknown as ForgeConfig;
    const seams = { signal: signalGroup, timings: { termGraceMs: 400, killGraceMs: 400 } };
    const crashed = new ProcessManager(config, recordingLogger(), seams);
    const p = await crashed.start('s', { command: 'sleep 60 & wait', cwd: root });
    await until('the child', () => readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim().length > 0);
    const child = Number(readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim());
    // The old manager is dropped without dispose (as in a kill -9); a new one starts on the same data.
    const logger = recordingLogger();
    await new ProcessManager(config, logger, seams).onModuleInit();
    await until('the group gone', () => !alive(p.pid) && !alive(child), 5_000);
    assert.ok(!existsSync(join(root, 'data', 'processes')));
    assert.ok(logger.lines.some((l) => l.msg.includes('left by an earlier agent service')));
    rmSync(root, { recursive: true, force: true });
  });
});
