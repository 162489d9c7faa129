// Who may read /metrics. With METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>`: a
// scraper credential that opens nothing else, and API credentials do not open metrics. Without
// it, /metrics is behind the same auth as the API (open when auth is off), asked through the
// auth module's UpgradeAuthenticator because /metrics lives outside /api/v1.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { UpgradeAuthenticator } from '../auth/upgrade-authenticator.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly token: Buffer | undefined;

  constructor(@Inject(CONFIG) config: ForgeConfig, private readonly auth: UpgradeAuthenticator) {
    this.token = config.METRICS_TOKEN ? digest(config.METRICS_TOKEN) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers.authorization;
    if (this.token) {
      const bearer = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
      if (!header) throw new UnauthorizedException({ error: 'missing_token', message: 'send Authorization: Bearer <METRICS_TOKEN>' });
      if (!bearer || !timingSafeEqual(digest(bearer), this.token)) throw new UnauthorizedException({ error: 'invalid_token', message: 'not the metrics token' });
      return true;
    }
    const decision = await this.auth.authorize(req.raw);
    if (decision.ok) return true;
    throw new UnauthorizedException({ error: header ? 'invalid_token' : 'missing_token', message: 'metrics need the same credentials as the API (or set METRICS_TOKEN)' });
  }
}
