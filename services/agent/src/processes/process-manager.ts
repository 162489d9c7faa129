// The background processes of every session in this service (docs/compatibility.md#processes): who
// may start one (the per-session cap, MINIMAL_UI), where its logs go, what its listeners hear and
// how the whole set goes away with the session. The processes are children of the agent service,
// so they outlive a gateway restart; they die with the session or the service.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CONFIG, GrpcStatus, LOGGER, forgeError, readToolEnv, sandboxEnv, sandboxIdentity, type ForgeConfig } from '@pi-forge/runtime';
import { scrubToolEnv } from '../tools/tool-env.js';
import {
  KILL_TIMINGS,
  ManagedProcess,
  signalGroup,
  type GroupSignaller,
  type KillTimings,
  type ProcessOptions,
} from './managed-process.js';
import type { WatchMatch } from './log-watches.js';
import { sweepOrphans, writeProcessRecord } from './orphan-sweep.js';
import type { EndReason, KillResult, ProcessInfo, ProcessOutput, StdinResult } from './process-info.js';

/** What one session's owner (the process tool) hears about its processes. */
export interface ProcessListener {
  /** The list changed (start, status change, end, clear): the full list. */
  update(processes: ProcessInfo[]): void;
  /** New output of one process (at most OUTPUT_EVENTS_PER_SECOND per process). */
  output(processId: string): void;
  watch(p: ProcessInfo, match: WatchMatch): void;
  /** Ended by itself or by a signal nobody here sent (kills asked for through the tool or routes are not reported). */
  ended(p: ProcessInfo, reason: EndReason): void;
}

export interface StartRequest extends Partial<Omit<ProcessOptions, 'name' | 'watches'>> {
  command: string;
  name?: string;
  cwd: string;
  watches?: ProcessOptions['watches'];
}

export const DEFAULT_OUTPUT_TAIL = 200;
export const MAX_OUTPUT_TAIL = 1000;
const OUTPUT_EVENTS_PER_SECOND = 10;

/** Seams the specs replace (signals that do not kill, short grace periods). */
export const PROCESS_KILL_SEAMS = Symbol('PROCESS_KILL_SEAMS');
export interface ProcessKillSeams {
  signal: GroupSignaller;
  timings: KillTimings;
}
export const REAL_KILL_SEAMS: ProcessKillSeams = { signal: signalGroup, timings: KILL_TIMINGS };

interface SessionProcesses {
  processes: Map<string, ManagedProcess>;
  listener?: ProcessListener;
  outputTimers: Map<string, { last: number; timer?: NodeJS.Timeout }>;
}

export const processNotFound = () => forgeError(GrpcStatus.NOT_FOUND, 'process_not_found', 'no process with that id in this session');

@Injectable()
export class ProcessManager implements OnModuleInit {
  private readonly sessions = new Map<string, SessionProcesses>();

  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROCESS_KILL_SEAMS) private readonly seams: ProcessKillSeams,
  ) {}

  /** Processes and logs a crashed predecessor left behind; none of them belongs to a live session now. */
  async onModuleInit(): Promise<void> {
    const killed = await sweepOrphans(join(this.config.FORGE_DATA_DIR, 'processes'), this.seams.signal);
    if (killed > 0) this.logger.warn({ killed }, 'background processes left by an earlier agent service were killed');
  }

  /** The session's log folder: FORGE_DATA_DIR/processes/<sessionId>. */
  sessionDir(sessionId: string): string {
    return join(this.config.FORGE_DATA_DIR, 'processes', sessionId);
  }

  /** Who hears about this session's processes (the tool of its current build); replaces an earlier one. */
  listen(sessionId: string, listener: ProcessListener): void {
    this.state(sessionId).listener = listener;
  }

  list(sessionId: string): ProcessInfo[] {
    return [...(this.sessions.get(sessionId)?.processes.values() ?? [])].map((p) => ({ ...p.info }));
  }

  /** True while any process of the session is running or stopping. */
  hasRunning(sessionId: string): boolean {
    return [...(this.sessions.get(sessionId)?.processes.values() ?? [])].some((p) => p.alive);
  }

  /** By id, else by exact name (the newest with that name), as the tool accepts either. */
  find(sessionId: string, idOrName: string): ManagedProcess | undefined {
    const all = this.sessions.get(sessionId)?.processes;
    if (!all) return undefined;
    return all.get(idOrName) ?? [...all.values()].reverse().find((p) => p.info.name === idOrName);
  }

  async start(sessionId: string, req: StartRequest): Promise<ProcessInfo> {
    if (this.config.MINIMAL_UI)
      throw forgeError(GrpcStatus.PERMISSION_DENIED, 'minimal_ui_disabled', 'process.start is disabled under MINIMAL_UI');
    const state = this.state(sessionId);
    const running = [...state.processes.values()].filter((p) => p.alive).length;
    const max = this.config.PROCESS_MAX_PER_SESSION;
    if (running >= max)
      throw forgeError(
        GrpcStatus.RESOURCE_EXHAUSTED,
        'too_many_processes',
        `this session already has ${running} running processes (PROCESS_MAX_PER_SESSION=${max}); kill or wait for one first`,
      );
    let id = randomBytes(4).toString('hex');
    while (state.processes.has(id)) id = randomBytes(4).toString('hex');
    const dir = join(this.sessionDir(sessionId), id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const identity = sandboxIdentity(this.config);
    const env = {
      ...scrubToolEnv(this.config.inheritedEnv, this.config.TERMINAL_PASSTHROUGH_ENV ?? []),
      ...readToolEnv(this.config.FORGE_DATA_DIR),
      ...(identity ? sandboxEnv(identity) : {}),
    };
    const options: ProcessOptions = {
      name: req.name?.trim() || req.command.slice(0, 60),
      alertOnSuccess: req.alertOnSuccess ?? false,
      alertOnFailure: req.alertOnFailure ?? true,
      alertOnKill: req.alertOnKill ?? false,
      watches: req.watches ?? [],
    };
    const proc = await ManagedProcess.start(
      id,
      { command: req.command, cwd: req.cwd, env, ...(identity ? { uid: identity.uid, gid: identity.gid } : {}) },
      dir,
      options,
      {
        output: (p) => this.onOutput(sessionId, p.id),
        watch: (p, match) => this.sessions.get(sessionId)?.listener?.watch({ ...p.info }, match),
        status: () => this.publish(sessionId),
        ended: (p, reason, requested) => {
          this.logger.info({ sessionId, processId: p.id, exitCode: p.info.exitCode, status: p.info.status }, 'background process ended');
          if (!requested) this.sessions.get(sessionId)?.listener?.ended({ ...p.info }, reason);
        },
      },
      this.seams.signal,
      this.seams.timings,
    ).catch(async (err: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw forgeError(GrpcStatus.INTERNAL, 'internal_error', `the process could not be started: ${(err as Error).message}`);
    });
    state.processes.set(id, proc);
    writeProcessRecord(dir, proc.info.pid);
    this.logger.info({ sessionId, processId: id, pid: proc.info.pid }, 'background process started');
    this.publish(sessionId);
    return { ...proc.info };
  }

  output(sessionId: string, processId: string, tail = DEFAULT_OUTPUT_TAIL): ProcessOutput {
    const p = this.require(sessionId, processId);
    return p.output(Math.min(Math.max(tail || DEFAULT_OUTPUT_TAIL, 1), MAX_OUTPUT_TAIL));
  }

  kill(sessionId: string, processId: string): Promise<KillResult> {
    return this.require(sessionId, processId).kill();
  }

  write(sessionId: string, processId: string, input: string, end: boolean): Promise<StdinResult> {
    return this.require(sessionId, processId).write(input, end);
  }

  /** Forgets the finished processes and removes their logs; returns how many. */
  async clear(sessionId: string): Promise<number> {
    const state = this.sessions.get(sessionId);
    if (!state) return 0;
    const done = [...state.processes.values()].filter((p) => !p.alive);
    for (const p of done) {
      p.finish();
      state.processes.delete(p.id);
      await rm(join(this.sessionDir(sessionId), p.id), { recursive: true, force: true });
    }
    if (done.length > 0) this.publish(sessionId);
    return done.length;
  }

  /** Stops every process of the session (the full stop sequence, in parallel) and removes its log folder. */
  async disposeSession(sessionId: string): Promise<void> {
    const state = this.sessions.get(sessionId);
    this.sessions.delete(sessionId);
    if (state) {
      for (const t of state.outputTimers.values()) clearTimeout(t.timer);
      await Promise.all(
        [...state.processes.values()].map(async (p) => {
          const r = await p.kill();
          if (!r.ok) this.logger.warn({ sessionId, processId: p.id, reason: r.reason }, 'background process did not stop');
          p.finish();
        }),
      );
    }
    await rm(this.sessionDir(sessionId), { recursive: true, force: true });
  }

  private require(sessionId: string, processId: string): ManagedProcess {
    const p = this.sessions.get(sessionId)?.processes.get(processId);
    if (!p) throw processNotFound();
    return p;
  }

  private state(sessionId: string): SessionProcesses {
    let s = this.sessions.get(sessionId);
    if (!s) this.sessions.set(sessionId, (s = { processes: new Map(), outputTimers: new Map() }));
    return s;
  }

  private publish(sessionId: string): void {
    this.sessions.get(sessionId)?.listener?.update(this.list(sessionId));
  }

  /** One pointer event per burst: at once when the last one is old enough, else once at the end of the interval. */
  private onOutput(sessionId: string, processId: string): void {
    const state = this.sessions.get(sessionId);
    if (!state?.listener) return;
    const gap = 1000 / OUTPUT_EVENTS_PER_SECOND;
    let t = state.outputTimers.get(processId);
    if (!t) state.outputTimers.set(processId, (t = { last: 0 }));
    if (t.timer) return;
    const wait = t.last + gap - Date.now();
    const fire = () => {
      t.timer = undefined;
      t.last = Date.now();
      this.sessions.get(sessionId)?.listener?.output(processId);
    };
    if (wait <= 0) fire();
    else {
      t.timer = setTimeout(fire, wait);
      t.timer.unref();
    }
  }
}
