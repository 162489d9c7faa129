// One background process (docs/compatibility.md#processes): `/bin/sh -c` in its own process group,
// both outputs into a rotating log file and an in-memory ring, log watches on each complete line,
// and the stop sequence SIGTERM → grace → SIGKILL → grace sent to the whole group, so a dev server's
// children go with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { LineRing } from './line-ring.js';
import { LogWatcher, type LogWatchSpec, type WatchMatch } from './log-watches.js';
import { RotatingLog } from './rotating-log.js';
import {
  isAlive,
  type EndReason,
  type KillResult,
  type ProcessInfo,
  type ProcessOutput,
  type ProcessStatus,
  type StdinResult,
} from './process-info.js';

export interface SpawnSpec {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The sandbox identity, when the tools run as one. */
  uid?: number;
  gid?: number;
}

export interface ProcessOptions {
  name: string;
  alertOnSuccess: boolean;
  alertOnFailure: boolean;
  alertOnKill: boolean;
  watches: readonly LogWatchSpec[];
}

export interface ProcessHooks {
  /** New output arrived on either stream. */
  output(p: ManagedProcess): void;
  /** A complete line fired a watch. */
  watch(p: ManagedProcess, match: WatchMatch): void;
  /** The status changed (terminating, terminate_timeout, ended). */
  status(p: ManagedProcess): void;
  /** The process ended; `requested` when this service asked it to stop (no alert then). */
  ended(p: ManagedProcess, reason: EndReason, requested: boolean): void;
}

/** Sends a signal to a process group; a port so specs can play a group that will not die. */
export type GroupSignaller = (pgid: number, signal: NodeJS.Signals) => void;

export const signalGroup: GroupSignaller = (pgid, signal) => {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
};

export interface KillTimings {
  termGraceMs: number;
  killGraceMs: number;
}

export const KILL_TIMINGS: KillTimings = { termGraceMs: 5_000, killGraceMs: 2_000 };

export class ManagedProcess {
  readonly info: ProcessInfo;
  private readonly rings = { stdout: new LineRing(), stderr: new LineRing() };
  private readonly logs: { stdout: RotatingLog; stderr: RotatingLog };
  private readonly watcher: LogWatcher;
  private stdinClosed = false;
  private stopRequested = false;
  private killing: Promise<KillResult> | undefined;
  private readonly endWaiters = new Set<() => void>();

  private constructor(
    id: string,
    private readonly child: ChildProcess,
    spec: SpawnSpec,
    dir: string,
    options: ProcessOptions,
    private readonly hooks: ProcessHooks,
    private readonly signal: GroupSignaller,
    private readonly timings: KillTimings,
  ) {
    const stdoutFile = join(dir, 'stdout.log');
    const stderrFile = join(dir, 'stderr.log');
    this.logs = { stdout: new RotatingLog(stdoutFile), stderr: new RotatingLog(stderrFile) };
    this.watcher = new LogWatcher(options.watches);
    this.info = {
      id,
      name: options.name,
      pid: child.pid!,
      command: spec.command,
      cwd: spec.cwd,
      startTime: Date.now(),
      endTime: null,
      status: 'running',
      exitCode: null,
      success: null,
      stdoutFile,
      stderrFile,
      alertOnSuccess: options.alertOnSuccess,
      alertOnFailure: options.alertOnFailure,
      alertOnKill: options.alertOnKill,
    };
    for (const source of ['stdout', 'stderr'] as const) child[source]!.on('data', (chunk: Buffer) => this.onData(source, chunk));
    child.stdin!.on('error', () => (this.stdinClosed = true));
    child.once('exit', (code, sig) => this.onExit(code, sig));
    // Output still in the pipes after the exit is logged; the files close once both pipes have.
    child.once('close', () => this.closeLogs());
  }

  /** Spawns the command; rejects when it cannot start at all (the shell missing, a bad cwd). */
  static async start(
    id: string,
    spec: SpawnSpec,
    dir: string,
    options: ProcessOptions,
    hooks: ProcessHooks,
    signal: GroupSignaller = signalGroup,
    timings: KillTimings = KILL_TIMINGS,
  ): Promise<ManagedProcess> {
    const child = spawn('/bin/sh', ['-c', spec.command], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    // A detached child would otherwise keep this service's event loop alive on its own.
    child.unref();
    return new ManagedProcess(id, child, spec, dir, options, hooks, signal, timings);
  }

  get id(): string {
    return this.info.id;
  }

  get alive(): boolean {
    return isAlive(this.info.status);
  }

  output(tail: number): ProcessOutput {
    return { stdout: this.rings.stdout.tail(tail), stderr: this.rings.stderr.tail(tail), status: this.info.status };
  }

  write(input: string, end: boolean): Promise<StdinResult> {
    if (this.info.endTime !== null) return Promise.resolve({ ok: false, reason: 'process_exited' });
    const stdin = this.child.stdin!;
    if (this.stdinClosed || stdin.writableEnded || stdin.destroyed) return Promise.resolve({ ok: false, reason: 'stdin_closed' });
    return new Promise((resolve) => {
      const done = (err?: Error | null) => resolve(err ? { ok: false, reason: 'write_error' } : { ok: true });
      if (end) {
        this.stdinClosed = true;
        stdin.end(input, () => done());
      } else stdin.write(input, done);
    });
  }

  /** The stop sequence; concurrent calls share it. ok once the group leader is gone. */
  kill(): Promise<KillResult> {
    if (this.info.endTime !== null) return Promise.resolve({ ok: true });
    this.killing ??= this.stop();
    return this.killing;
  }

  /** Sends SIGKILL to whatever is left of the group (children the shell left behind) and closes the logs. */
  finish(): void {
    this.signalQuietly('SIGKILL');
    this.closeLogs();
  }

  private closeLogs(): void {
    this.logs.stdout.close();
    this.logs.stderr.close();
  }

  private async stop(): Promise<KillResult> {
    this.stopRequested = true;
    this.setStatus('terminating');
    try {
      this.signal(this.info.pid, 'SIGTERM');
    } catch {
      this.stopRequested = false;
      this.setStatus('running');
      return { ok: false, reason: 'error' };
    }
    if (await this.endedWithin(this.timings.termGraceMs)) return { ok: true };
    this.signalQuietly('SIGKILL');
    if (await this.endedWithin(this.timings.killGraceMs)) return { ok: true };
    this.setStatus('terminate_timeout');
    this.killing = undefined;
    return { ok: false, reason: 'timeout' };
  }

  private signalQuietly(sig: NodeJS.Signals): void {
    try {
      this.signal(this.info.pid, sig);
    } catch {
      /* nothing left to signal, or not ours to signal */
    }
  }

  private endedWithin(ms: number): Promise<boolean> {
    if (this.info.endTime !== null) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.endWaiters.delete(onEnd);
        resolve(false);
      }, ms);
      const onEnd = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.endWaiters.add(onEnd);
    });
  }

  private onData(source: 'stdout' | 'stderr', chunk: Buffer): void {
    this.logs[source].append(chunk);
    for (const line of this.rings[source].push(chunk)) for (const m of this.watcher.match(source, line)) this.hooks.watch(this, m);
    this.hooks.output(this);
  }

  private onExit(code: number | null, sig: NodeJS.Signals | null): void {
    const info = this.info;
    info.endTime = Date.now();
    info.exitCode = code;
    info.success = code === 0;
    info.status = this.stopRequested || sig ? 'killed' : 'exited';
    const reason: EndReason = sig || this.stopRequested ? 'killed' : code === 0 ? 'success' : 'failure';
    for (const w of this.endWaiters) w();
    this.endWaiters.clear();
    this.hooks.status(this);
    this.hooks.ended(this, reason, this.stopRequested);
  }

  private setStatus(status: ProcessStatus): void {
    if (this.info.status === status || this.info.endTime !== null) return;
    this.info.status = status;
    this.hooks.status(this);
  }
}
