// Unloads live sessions nobody uses (SESSION_IDLE_EVICT_MS): a settled session with no stream
// open, no run, and nothing a forge tool still holds (a running process, a pending question).
// Hundreds of prompts over days would otherwise keep every session's SDK state in this process;
// an evicted session resumes from its JSONL on the next call, as after a restart.
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';
import { SessionRegistry } from './session-registry.js';

/** How often idle sessions are looked for, at most (a quarter of the idle time when that is shorter). */
const SWEEP_MAX_MS = 60_000;

@Injectable()
export class SessionEvictor implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly registry: SessionRegistry,
  ) {}

  onModuleInit(): void {
    const idleMs = this.config.SESSION_IDLE_EVICT_MS;
    if (!idleMs) return;
    this.timer = setInterval(() => void this.sweep(), Math.max(1_000, Math.min(SWEEP_MAX_MS, Math.floor(idleMs / 4))));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Unloads every session idle longer than SESSION_IDLE_EVICT_MS; returns how many went. */
  async sweep(): Promise<number> {
    const idleMs = this.config.SESSION_IDLE_EVICT_MS;
    if (!idleMs) return 0;
    const cutoff = Date.now() - idleMs;
    let evicted = 0;
    for (const live of this.registry.all()) {
      if (Date.parse(live.lastActivityAt) > cutoff || !this.registry.isIdle(live)) continue;
      try {
        if (await this.registry.evict(live)) evicted++;
      } catch (err) {
        this.logger.warn({ err, sessionId: live.id }, 'idle session could not be unloaded');
      }
    }
    return evicted;
  }
}
