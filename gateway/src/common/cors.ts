// One origin policy for CORS and the terminal WebSocket (docs/compatibility.md#auth-and-security): CORS_ORIGIN pins the allowed
// origins (exact match); unset reflects whatever origin asks, as the original does. Browsers enforce CORS
// for fetches, but not for WebSocket upgrades, so the upgrade authenticator asks `allows()` itself.
import { Inject, Injectable } from '@nestjs/common';
import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';

@Injectable()
export class OriginPolicy {
  /** Undefined = any origin. */
  readonly pinned: ReadonlySet<string> | undefined;

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    this.pinned = config.CORS_ORIGIN.length > 0 ? new Set(config.CORS_ORIGIN.map((o) => o.replace(/\/+$/, ''))) : undefined;
  }

  /**
   * Whether a request with these headers may proceed. No Origin = not a browser (scripts, curl), which
   * CORS does not govern. The gateway's own web app is same-origin, so it always passes.
   */
  allows(headers: IncomingHttpHeaders): boolean {
    const origin = headers.origin;
    if (!origin || !this.pinned) return true;
    if (this.pinned.has(origin)) return true;
    try {
      return new URL(origin).host === headers.host;
    } catch {
      return false;
    }
  }

  async register(fastify: FastifyInstance): Promise<void> {
    await fastify.register(fastifyCors as never, {
      origin: this.pinned ? [...this.pinned] : true,
      credentials: false,
    });
  }
}
