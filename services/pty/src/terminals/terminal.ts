// One shell and its pty: output goes to the replay ring always, and to the attached stream (if
// any) in batches. When the attached reader falls behind, the pty is paused, so the shell blocks
// on write instead of this process buffering without bound; input always goes straight through,
// so Ctrl-C reaches a flooding program at once.
import { ReplayBuffer } from './replay-buffer.js';

/** The part of node-pty's IPty this service uses (output as Buffers: `encoding: null`). */
export interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: Buffer) => void): unknown;
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): unknown;
  write(data: Buffer | string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  kill(signal?: string): void;
}

/** Where an attached terminal's output goes: one gRPC Attach stream. */
export interface Attachment {
  /** Sends a batch of output; false means the reader is behind: wait for `onDrain`. */
  sendOutput(data: Buffer): boolean;
  onDrain(listener: () => void): void;
  /** The shell ended; the attachment must finish. */
  exited(exitCode: number, signal: number): void;
  /** Another attachment took over; this one must finish. */
  displaced(): void;
}

/** Output is flushed when this much is pending… */
export const BATCH_BYTES = 64 * 1024;
/** …or this long after the previous flush, during a burst. Anything else (echoes) goes at once. */
export const BATCH_MS = 4;
/** A flush at least this big, less than BATCH_MS ago, means a burst (a flood, not keystroke echoes).
 * Below one pty read (Linux hands out at most 4095 bytes per read), or floods would never batch. */
export const BURST_BYTES = 1024;
/** SIGKILL follows SIGHUP/SIGTERM after this grace (docs/compatibility.md#terminal-protocol). */
export const KILL_GRACE_MS = 2_000;

export class Terminal {
  readonly replay = new ReplayBuffer();
  private attachment: Attachment | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private lastFlushAt = 0;
  private lastFlushBytes = 0;
  private waitingForDrain = false;
  private paused = false;
  private reapTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private exitedWith: { exitCode: number; signal: number } | undefined;
  private readonly exitListeners: Array<() => void> = [];

  constructor(
    readonly key: string,
    private readonly pty: PtyProcess,
  ) {
    pty.onData((data) => this.onOutput(data));
    pty.onExit(({ exitCode, signal }) => this.onExit(exitCode, signal ?? 0));
  }

  get pid(): number {
    return this.pty.pid;
  }

  get alive(): boolean {
    return !this.exitedWith;
  }

  get attached(): boolean {
    return !!this.attachment;
  }

  /** True while the pty is paused because the attached reader is behind (for tests and stats). */
  get isPaused(): boolean {
    return this.paused;
  }

  /** How the shell ended, once it has. */
  get exitStatus(): { exitCode: number; signal: number } | undefined {
    return this.exitedWith;
  }

  onExited(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  /** Takes the terminal for `next`, displacing any current attachment, and replays the tail. */
  attach(next: Attachment): number {
    this.clearReap();
    const previous = this.attachment;
    this.attachment = next;
    this.resetFlow();
    previous?.displaced();
    // Pending output is already in the ring, so the replay covers it.
    const tail = this.replay.snapshot();
    for (let i = 0; i < tail.length; i += BATCH_BYTES) {
      if (!next.sendOutput(tail.subarray(i, i + BATCH_BYTES))) this.waitForDrain(next);
    }
    return tail.length;
  }

  /** Drops `att` if it is still the attachment; arms the idle reaper (0 ms = kill now). */
  detach(att: Attachment, reapAfterMs: number): void {
    if (this.attachment !== att) return;
    this.attachment = undefined;
    this.resetFlow();
    if (!this.alive) return;
    if (reapAfterMs <= 0) this.kill();
    else this.reapTimer = setTimeout(() => this.kill(), reapAfterMs);
  }

  write(data: Buffer | string): void {
    if (this.alive) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.alive) this.pty.resize(cols, rows);
  }

  /** SIGHUP (what closing a terminal sends; interactive bash ignores SIGTERM) and SIGTERM, then SIGKILL. */
  kill(graceMs = KILL_GRACE_MS): void {
    if (!this.alive || this.killTimer) return;
    this.clearReap();
    // A paused pty never reads the EOF that lets node-pty report the exit.
    this.setPaused(false);
    for (const signal of ['SIGHUP', 'SIGTERM'] as const) this.signal(signal);
    this.killTimer = setTimeout(() => this.forceKill(), graceMs);
    this.killTimer.unref();
  }

  /** SIGKILL the shell and its process group now (shutdown, exit hooks). */
  forceKill(): void {
    if (!this.alive) return;
    try {
      process.kill(-this.pty.pid, 'SIGKILL');
    } catch {
      /* group already gone */
    }
    this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      this.pty.kill(signal);
    } catch {
      /* already gone */
    }
  }

  private onOutput(data: Buffer): void {
    this.replay.append(data);
    if (!this.attachment) return;
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.waitingForDrain) {
      // Whatever the pty still had in flight when it was paused; bounded by one read.
      return;
    }
    if (this.pendingBytes >= BATCH_BYTES) {
      this.flush();
    } else if (!this.flushTimer) {
      const burst = this.lastFlushBytes >= BURST_BYTES && Date.now() - this.lastFlushAt < BATCH_MS;
      this.flushTimer = burst ? setTimeout(() => this.flush(), BATCH_MS) : setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.clearFlushTimer();
    const att = this.attachment;
    if (!att || this.waitingForDrain || this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.lastFlushAt = Date.now();
    this.lastFlushBytes = data.length;
    if (!att.sendOutput(data)) this.waitForDrain(att);
  }

  private waitForDrain(att: Attachment): void {
    if (this.waitingForDrain) return;
    this.waitingForDrain = true;
    this.setPaused(true);
    att.onDrain(() => {
      if (this.attachment !== att) return;
      this.waitingForDrain = false;
      this.flush();
      if (!this.waitingForDrain) this.setPaused(false);
    });
  }

  private setPaused(paused: boolean): void {
    if (this.paused === paused || !this.alive) return;
    this.paused = paused;
    if (paused) this.pty.pause();
    else this.pty.resume();
  }

  private resetFlow(): void {
    this.clearFlushTimer();
    this.pending = [];
    this.pendingBytes = 0;
    this.waitingForDrain = false;
    this.setPaused(false);
  }

  private onExit(exitCode: number, signal: number): void {
    if (this.exitedWith) return;
    // The last output (e.g. "exit\r\n") goes out before the exit, whatever the reader's pace.
    const att = this.attachment;
    if (att && this.pendingBytes > 0) {
      att.sendOutput(this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes));
    }
    this.exitedWith = { exitCode, signal };
    this.attachment = undefined;
    this.clearFlushTimer();
    this.clearReap();
    clearTimeout(this.killTimer);
    this.pending = [];
    this.pendingBytes = 0;
    att?.exited(exitCode, signal);
    for (const listener of this.exitListeners) listener();
  }

  private clearFlushTimer(): void {
    if (!this.flushTimer) return;
    clearTimeout(this.flushTimer as NodeJS.Timeout);
    clearImmediate(this.flushTimer as NodeJS.Immediate);
    this.flushTimer = undefined;
  }

  private clearReap(): void {
    clearTimeout(this.reapTimer);
    this.reapTimer = undefined;
  }
}
