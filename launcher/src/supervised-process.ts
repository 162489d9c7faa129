// One child process of the launcher: started with an IPC pipe (so it exits if we die), its
// output merged into our log stream, restarted with backoff when it crashes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';

export interface SupervisedSpec {
  name: string;
  entry: string;
  env: Record<string, string>;
  args?: string[];
}

const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 5_000;
/** A child that ran this long before crashing starts the backoff over. */
const STABLE_AFTER_MS = 10_000;

export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private failures = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  restarts = 0;
  onMessage: (msg: unknown) => void = () => {};

  constructor(
    private readonly spec: SupervisedSpec,
    private readonly logger: Logger,
    private readonly out: NodeJS.WritableStream,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.startedAt = Date.now();
    const child = spawn(process.execPath, [this.spec.entry, ...(this.spec.args ?? [])], {
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Own process group: Ctrl-C reaches only the launcher, which stops the children in order.
      detached: true,
    });
    this.child = child;
    this.pipe(child.stdout!, 'info');
    this.pipe(child.stderr!, 'error');
    child.on('message', (msg) => this.onMessage(msg));
    child.on('error', (err) => this.logger.error({ err, child: this.spec.name }, 'could not start process'));
    child.on('exit', (code, signal) => this.exited(child, code, signal));
    this.logger.info({ child: this.spec.name, childPid: child.pid }, 'process started');
  }

  /** Children log pino JSON lines: pass them through whole; wrap anything else (crash traces). */
  private pipe(stream: NodeJS.ReadableStream, level: 'info' | 'error'): void {
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (line.startsWith('{') && line.endsWith('}')) this.out.write(`${line}\n`);
      else if (line.trim())
        this.out.write(
          `${JSON.stringify({ level, time: new Date().toISOString(), proc: this.spec.name, pid: this.child?.pid, msg: line })}\n`,
        );
    });
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    if (this.stopping) {
      this.logger.info({ child: this.spec.name, code, signal }, 'process stopped');
      return;
    }
    const ranMs = Date.now() - this.startedAt;
    this.failures = ranMs > STABLE_AFTER_MS ? 1 : this.failures + 1;
    const delay = Math.min(BACKOFF_START_MS * 2 ** (this.failures - 1), BACKOFF_MAX_MS);
    this.logger.warn(
      { child: this.spec.name, code, signal, ranMs, restartInMs: delay, restarts: this.restarts + 1 },
      'process exited unexpectedly; restarting',
    );
    this.restartTimer = setTimeout(() => {
      this.restarts++;
      this.start();
    }, delay);
  }

  /** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
  stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => {
        this.logger.warn({ child: this.spec.name, graceMs }, 'process did not stop in time; killing');
        child.kill('SIGKILL');
      }, graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
