// Who may read /metrics. With METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>`: a
// scraper credential that opens nothing else, and API credentials do not open metrics. Without
// it, /metrics takes the API's own credentials (JWT or API key in the header; open when auth is
// off), asked of the auth module's AuthGate because /metrics lives outside /api/v1.
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { AuthGate, throttled } from '../auth/auth-gate.js';
import { RateLimitExceeded } from '../common/rate-limit.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly token: Buffer | undefined;

  constructor(
    @Inject(CONFIG) config: ForgeConfig,
    private readonly gate: AuthGate,
  ) {
    this.token = config.METRICS_TOKEN ? digest(config.METRICS_TOKEN) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers.authorization;
    if (this.token) {
      if (!header) throw new UnauthorizedException({ error: 'missing_token', message: 'send Authorization: Bearer <METRICS_TOKEN>' });
      // Guessing the scraper token is throttled per client IP like any other credential.
      const retryMs = this.gate.throttle.retryAfterMs(req.ip);
      if (retryMs > 0) {
        const refusal = throttled(retryMs);
        context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(refusal.retryAfterSeconds));
        throw new RateLimitExceeded(`${refusal.retryAfterSeconds} seconds`);
      }
      const bearer = /^Bearer (\S+)$/i.exec(header)?.[1];
      if (!bearer || !timingSafeEqual(digest(bearer), this.token)) {
        this.gate.throttle.recordFailure(req.ip, 'metrics_token');
        throw new UnauthorizedException({ error: 'invalid_token', message: 'not the metrics token' });
      }
      return true;
    }
    // Header credentials only: tickets and ?token= are for browsers' streams, not scrapers. A scrape
    // is a read, so it never counts as login activity.
    const sources = { headers: req.headers, mutating: false, ip: req.ip };
    const decision = await this.gate.check(sources);
    if (decision.ok) return true;
    if (decision.status === 429) {
      context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(decision.retryAfterSeconds));
      throw new RateLimitExceeded(`${decision.retryAfterSeconds} seconds`);
    }
    throw new HttpException({ error: decision.error, message: decision.message }, decision.status);
  }
}
