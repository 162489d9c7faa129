// The terminal WebSocket's check (docs/compatibility.md#terminal-protocol plus tickets): the Origin must pass the CORS policy,
// because browsers do not apply CORS to upgrades (with CORS_ORIGIN unset: the gateway's own origin or
// a loopback/HOST/ALLOWED_HOSTS one, never a foreign page, whether auth is on or off); then the
// Authorization header, a `?ticket=` minted for the terminal or, for compatibility, `?token=` (a JWT or
// the API key). A restricted (must-change-password) JWT is refused. Failed checks count toward the
// client IP's failed-auth throttle, which `admit` applies before the handshake.
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { OriginPolicy } from '../common/cors.js';
import { HostPolicy } from '../common/host-policy.js';
import { AuthGate, refusalResponse, throttled } from './auth-gate.js';
import { UpgradeAuthenticator, type UpgradeAdmission, type UpgradeDecision } from './upgrade-authenticator.js';

@Injectable()
export class GateUpgradeAuthenticator extends UpgradeAuthenticator {
  constructor(
    private readonly gate: AuthGate,
    private readonly origins: OriginPolicy,
    private readonly hosts: HostPolicy,
  ) {
    super();
  }

  admit(req: IncomingMessage, ip: string): UpgradeAdmission {
    const host = this.hosts.check(req.headers);
    if (!host.ok) return { ok: false, status: host.status, body: { error: host.error, message: host.message }, headers: {} };
    const retryMs = this.gate.enabled ? this.gate.throttle.retryAfterMs(ip) : 0;
    if (retryMs > 0) return { ok: false, ...refusalResponse(throttled(retryMs)) };
    return { ok: true };
  }

  async authorize(req: IncomingMessage, ip?: string): Promise<UpgradeDecision> {
    if (!this.originAllowed(req)) return { ok: false, reason: 'origin_not_allowed' };
    const query = new URL(req.url ?? '/', 'http://upgrade.invalid').searchParams;
    const decision = await this.gate.check({
      headers: req.headers,
      ticket: query.get('ticket') || undefined,
      ticketScope: 'terminal',
      token: query.get('token') || undefined,
      // Opening a terminal is activity, as in the original.
      mutating: true,
      ip,
    });
    return decision.ok ? { ok: true } : { ok: false, reason: 'auth_required' };
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (this.origins.pinned) return this.origins.allows(req.headers);
    return origin === undefined || this.hosts.originAllowed(origin, req.headers.host);
  }
}
