// Every shell this service owns, attached or detached, keyed by project and tab id. Spawns shells
// (scrubbed env, project folder checked to be inside WORKSPACE_PATH), and kills them all when the
// service stops, so no shell outlives it.
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { homedir } from 'node:os';
import * as nodePty from 'node-pty';
import type { Logger } from 'pino';
import {
  CONFIG,
  forgeError,
  GrpcStatus,
  LOGGER,
  onShutdown,
  readToolEnv,
  sandboxEnv,
  sandboxIdentity,
  type ForgeConfig,
} from '@pi-forge/runtime';
import { Terminal, type PtyProcess } from './terminal.js';
import { shellEnvironment, venvActivation, VENV_SCRIPTS } from './shell-env.js';

export interface OpenSpec {
  projectId: string;
  tabId: string;
  cwd: string;
  cols: number;
  rows: number;
}

export const TERM_NAME = 'xterm-color';

@Injectable()
export class TerminalRegistry implements OnApplicationShutdown {
  private readonly terminals = new Map<string, Terminal>();
  private readonly onProcessExit = () => {
    for (const t of this.terminals.values()) t.forceKill();
  };
  private shutdownHooked = false;

  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // Last resort if the process exits without running shutdown (uncaught exception): no orphans.
    process.on('exit', this.onProcessExit);
  }

  get size(): number {
    return this.terminals.size;
  }

  get attachedCount(): number {
    let n = 0;
    for (const t of this.terminals.values()) if (t.attached) n++;
    return n;
  }

  get pausedCount(): number {
    let n = 0;
    for (const t of this.terminals.values()) if (t.isPaused) n++;
    return n;
  }

  /** The live terminal for this project + tab, or a new shell in `cwd`. */
  open(spec: OpenSpec): { terminal: Terminal; reattached: boolean } {
    const key = terminalKey(spec.projectId, spec.tabId);
    const existing = this.terminals.get(key);
    if (existing?.alive) return { terminal: existing, reattached: true };
    const cwd = this.checkCwd(spec.cwd);
    this.hookShutdown();
    const { file, env: baseEnv } = shellEnvironment(this.config.inheritedEnv, this.config.TERMINAL_PASSTHROUGH_ENV ?? [], cwd, safeHome());
    // The operator's tool environment (PUT /config/sandbox), read fresh so the next terminal sees
    // a change; with the sandbox on, the shell runs as the tool identity (docs/compatibility.md#terminal-protocol).
    const identity = sandboxIdentity(this.config);
    const env = { ...baseEnv, ...readToolEnv(this.config.FORGE_DATA_DIR), ...(identity ? sandboxEnv(identity) : {}) };
    let pty: PtyProcess;
    try {
      // node-pty "spawns" a missing shell and reports exit 1; say what is wrong instead.
      accessSync(file, constants.X_OK);
      pty = nodePty.spawn(file, [], {
        name: TERM_NAME,
        cols: spec.cols,
        rows: spec.rows,
        cwd,
        env,
        encoding: null,
        ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
      }) as unknown as PtyProcess;
    } catch (err) {
      // Operators alert on this line (docs/deployment.md): the shell or the native binding is broken.
      this.logger.error({ err, file, projectId: spec.projectId }, 'pty spawn failed');
      throw forgeError(GrpcStatus.INTERNAL, 'spawn_failed', `could not start ${file}`);
    }
    const terminal = new Terminal(key, pty);
    this.terminals.set(key, terminal);
    terminal.onExited(() => {
      if (this.terminals.get(key) === terminal) this.terminals.delete(key);
      const status = terminal.exitStatus;
      // Operators alert on repeated non-zero exits (docs/deployment.md).
      this.logger.info(
        { projectId: spec.projectId, tabId: spec.tabId, pid: terminal.pid, exitCode: status?.exitCode, signal: status?.signal },
        'terminal exited',
      );
    });
    const venv = VENV_SCRIPTS.find((rel) => existsSync(join(cwd, rel)));
    if (venv) terminal.write(venvActivation(file, venv));
    this.logger.info({ projectId: spec.projectId, tabId: spec.tabId, pid: pty.pid, shell: file }, 'terminal spawned');
    return { terminal, reattached: false };
  }

  /** Kills the terminal now (tab closed); false if there is none. */
  close(projectId: string, tabId: string): boolean {
    const terminal = this.terminals.get(terminalKey(projectId, tabId));
    if (!terminal) return false;
    terminal.kill();
    return true;
  }

  /** SIGHUP/SIGTERM every shell, SIGKILL whatever is left after the grace (bounded by the shutdown deadline). */
  async onApplicationShutdown(): Promise<void> {
    const all = [...this.terminals.values()];
    if (all.length === 0) return;
    const graceMs = Math.min(2_000, Math.max(50, Math.floor(this.config.SHUTDOWN_TIMEOUT_MS / 4)));
    const gone = Promise.all(all.map((t) => new Promise<void>((resolve) => (t.alive ? t.onExited(resolve) : resolve()))));
    for (const t of all) t.kill(graceMs);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      gone,
      new Promise((r) => {
        timer = setTimeout(r, graceMs + 100);
      }),
    ]);
    clearTimeout(timer);
    for (const t of all) t.forceKill();
    this.logger.info({ terminals: all.length }, 'killed every terminal');
    process.off('exit', this.onProcessExit);
  }

  /**
   * Shutdown steps run last-registered first, and this one is registered after the gRPC server's
   * (which waits for open calls to end): killing the shells first ends their Attach streams, so the
   * server drains at once instead of waiting out its deadline on streams that never end by themselves.
   */
  private hookShutdown(): void {
    if (this.shutdownHooked) return;
    this.shutdownHooked = true;
    onShutdown(() => this.onApplicationShutdown());
  }

  private checkCwd(cwd: string): string {
    let real: string;
    try {
      real = realpathSync(cwd);
      if (!statSync(real).isDirectory()) throw new Error('not a directory');
    } catch {
      throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'cwd_not_allowed', 'the project folder does not exist');
    }
    let root: string;
    try {
      root = realpathSync(this.config.WORKSPACE_PATH);
    } catch {
      root = this.config.WORKSPACE_PATH;
    }
    if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
      throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'cwd_not_allowed', 'the project folder is outside the workspace');
    }
    return real;
  }
}

export function terminalKey(projectId: string, tabId: string): string {
  return `${projectId}\u0000${tabId}`;
}

function safeHome(): string {
  try {
    return homedir();
  } catch {
    return '/tmp';
  }
}
