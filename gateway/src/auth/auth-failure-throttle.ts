// Credential guessing (bearer tokens, the API key, tickets, METRICS_TOKEN): failed checks are counted
// per client IP in a fixed window (RATE_LIMIT_AUTH_FAILURE_MAX per RATE_LIMIT_AUTH_FAILURE_WINDOW_MS).
// Past the limit every credentialed request from that IP gets 429 until the window ends, the right
// guess included, so guessing stops paying. Requests without credentials are not counted. In memory,
// bounded; failures are logged with the IP and the kind of credential, never the credential.
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';

/** Enough distinct addresses for any real deployment; past it the oldest windows go first. */
const MAX_TRACKED_IPS = 10_000;

export type FailedCredential = 'bearer' | 'ticket' | 'query_token' | 'metrics_token';

interface Window {
  start: number;
  failures: number;
}

@Injectable()
export class AuthFailureThrottle {
  /** The clock; specs replace it. */
  now: () => number = Date.now;
  private readonly max: number;
  private readonly windowMs: number;
  private readonly windows = new Map<string, Window>();

  constructor(
    @Inject(CONFIG) config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.max = config.RATE_LIMIT_AUTH_FAILURE_MAX;
    this.windowMs = config.RATE_LIMIT_AUTH_FAILURE_WINDOW_MS;
  }

  /** Milliseconds until this IP may try again; 0 when it may now. */
  retryAfterMs(ip: string): number {
    const w = this.current(ip);
    return w && w.failures >= this.max ? w.start + this.windowMs - this.now() : 0;
  }

  recordFailure(ip: string, kind: FailedCredential): void {
    let w = this.current(ip);
    if (!w) {
      w = { start: this.now(), failures: 0 };
      this.windows.set(ip, w);
      while (this.windows.size > MAX_TRACKED_IPS) this.windows.delete(this.windows.keys().next().value as string);
    }
    w.failures++;
    if (w.failures < this.max) this.logger.warn({ ip, credential: kind, failures: w.failures }, 'failed authentication');
    else if (w.failures === this.max) {
      this.logger.warn(
        { ip, credential: kind, failures: w.failures, retryAfterMs: this.windowMs - (this.now() - w.start) },
        'too many failed authentications; client IP throttled',
      );
    }
  }

  private current(ip: string): Window | undefined {
    const w = this.windows.get(ip);
    if (w && this.now() - w.start >= this.windowMs) {
      this.windows.delete(ip);
      return undefined;
    }
    return w;
  }
}
