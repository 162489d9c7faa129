// Terminal upgrades per client IP (docs/compatibility.md#auth-and-security: 10 per minute, answered 429 before the upgrade).
// A sliding window of timestamps per IP; idle IPs are forgotten so the map stays small.
import { Injectable, type OnModuleDestroy } from '@nestjs/common';

export const SPAWN_LIMIT = 10;
export const SPAWN_WINDOW_MS = 60_000;

@Injectable()
export class SpawnRateLimiter implements OnModuleDestroy {
  private readonly hits = new Map<string, number[]>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(Date.now()), SPAWN_WINDOW_MS);
    this.sweeper.unref();
  }

  /** Counts one upgrade; returns 0 if allowed, else the ms until the oldest hit leaves the window. */
  take(ip: string, now = Date.now(), limit = SPAWN_LIMIT, windowMs = SPAWN_WINDOW_MS): number {
    const recent = (this.hits.get(ip) ?? []).filter((t) => now - t < windowMs);
    if (recent.length >= limit) {
      this.hits.set(ip, recent);
      return windowMs - (now - recent[0]);
    }
    recent.push(now);
    this.hits.set(ip, recent);
    return 0;
  }

  sweep(now: number, windowMs = SPAWN_WINDOW_MS): void {
    for (const [ip, times] of this.hits) if (times.every((t) => now - t >= windowMs)) this.hits.delete(ip);
  }

  get trackedIps(): number {
    return this.hits.size;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
