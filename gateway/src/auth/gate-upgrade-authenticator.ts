// The terminal WebSocket's check (docs/compatibility.md#terminal-protocol plus tickets): the Origin must pass the CORS policy,
// because browsers do not apply CORS to upgrades; then the Authorization header, `?ticket=` or, for
// compatibility, `?token=` (a JWT or the API key). A restricted (must-change-password) JWT is refused.
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { OriginPolicy } from '../common/cors.js';
import { AuthGate } from './auth-gate.js';
import { UpgradeAuthenticator, type UpgradeDecision } from './upgrade-authenticator.js';

@Injectable()
export class GateUpgradeAuthenticator extends UpgradeAuthenticator {
  constructor(private readonly gate: AuthGate, private readonly origins: OriginPolicy) {
    super();
  }

  async authorize(req: IncomingMessage): Promise<UpgradeDecision> {
    if (!this.origins.allows(req.headers)) return { ok: false, reason: 'origin_not_allowed' };
    const query = new URL(req.url ?? '/', 'http://upgrade.invalid').searchParams;
    const decision = await this.gate.check({
      headers: req.headers,
      ticket: query.get('ticket') || undefined,
      token: query.get('token') || undefined,
      // Opening a terminal is activity, as in the original.
      mutating: true,
    });
    return decision.ok ? { ok: true } : { ok: false, reason: 'auth_required' };
  }
}
