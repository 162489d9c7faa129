// Decides whether a request carries acceptable credentials (docs/compatibility.md#auth-and-security). One implementation for the
// global HTTP guard, for unmatched /api/v1 paths and for WebSocket upgrades, so they can never disagree.
import { Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { AuthFailureThrottle, type FailedCredential } from './auth-failure-throttle.js';
import { PasswordStore, secretsEqual } from './password-store.js';
import { TicketStore, type TicketScope } from './ticket-store.js';
import { TokenService } from './token.service.js';

export type Credential = 'open' | 'jwt' | 'api_key' | 'ticket';

export type GateDecision =
  | { ok: true; via: Credential }
  | { ok: false; status: 401; error: 'missing_token' | 'invalid_token'; message: string }
  | { ok: false; status: 403; error: 'must_change_password'; message: string }
  | { ok: false; status: 429; error: 'too_many_failed_attempts'; message: string; retryAfterSeconds: number };

const MISSING = { ok: false, status: 401, error: 'missing_token', message: 'send Authorization: Bearer <token>' } as const;
const INVALID = {
  ok: false,
  status: 401,
  error: 'invalid_token',
  message: 'the token is not valid (expired, revoked or malformed)',
} as const;
const MUST_CHANGE = { ok: false, status: 403, error: 'must_change_password', message: 'change the password before using the API' } as const;

/** `Bearer <token>`: scheme case-insensitive, one token without whitespace (docs/compatibility.md#auth-and-security). */
const BEARER = /^Bearer ([^\s]+)$/i;

export interface CredentialSources {
  headers: IncomingHttpHeaders;
  /** `?ticket=` (GET requests and upgrades only), and the route it is presented on. */
  ticket?: string;
  ticketScope?: TicketScope;
  /** `?token=` (the terminal upgrade only, for compatibility). */
  token?: string;
  /** The request changes something, so it counts as session activity (LOGIN_INACTIVITY_TIMEOUT_SECONDS). */
  mutating: boolean;
  /** The client IP: failed checks are counted (and throttled) per IP. */
  ip?: string;
}

@Injectable()
export class AuthGate {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    private readonly passwords: PasswordStore,
    private readonly tokens: TokenService,
    private readonly tickets: TicketStore,
    readonly throttle: AuthFailureThrottle,
  ) {}

  /** Auth is on when a password (env or stored hash), an API key or LDAP is configured (docs/compatibility.md#auth-and-security). */
  get enabled(): boolean {
    return this.passwords.configured || !!this.config.API_KEY || this.config.LDAP_ENABLED;
  }

  async check(sources: CredentialSources): Promise<GateDecision> {
    if (!this.enabled) return { ok: true, via: 'open' };
    const presented = this.presented(sources);
    if (!presented) return MISSING;
    if (sources.ip !== undefined) {
      const retryMs = this.throttle.retryAfterMs(sources.ip);
      if (retryMs > 0) return throttled(retryMs);
    }
    const decision = await this.checkPresented(presented, sources);
    if (!decision.ok && decision.error === 'invalid_token' && sources.ip !== undefined)
      this.throttle.recordFailure(sources.ip, presented.kind);
    return decision;
  }

  /** The one credential this request presents, in the gate's order: header, ticket, ?token=. */
  private presented(sources: CredentialSources): { kind: FailedCredential; value: string } | undefined {
    const header = sources.headers.authorization;
    const bearer = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (bearer) return { kind: 'bearer', value: bearer };
    if (sources.ticket) return { kind: 'ticket', value: sources.ticket };
    if (sources.token) return { kind: 'query_token', value: sources.token };
    return undefined;
  }

  private async checkPresented(presented: { kind: FailedCredential; value: string }, sources: CredentialSources): Promise<GateDecision> {
    if (presented.kind === 'ticket') {
      // A ticket works once, and only on the kind of route it was issued for.
      return sources.ticketScope && this.tickets.consume(presented.value, sources.ticketScope) ? { ok: true, via: 'ticket' } : INVALID;
    }
    return this.checkBearer(presented.value, sources.mutating);
  }

  /** A JWT without the must-change flag, or the API key. JWT first, as the original does. */
  private async checkBearer(token: string, mutating: boolean): Promise<GateDecision> {
    const claims = await this.tokens.verify(token, mutating);
    if (claims) return claims.mustChangePassword ? MUST_CHANGE : { ok: true, via: 'jwt' };
    if (this.config.API_KEY && secretsEqual(token, this.config.API_KEY)) return { ok: true, via: 'api_key' };
    return INVALID;
  }
}

export function throttled(retryMs: number): Extract<GateDecision, { status: 429 }> {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryMs / 1000));
  return {
    ok: false,
    status: 429,
    error: 'too_many_failed_attempts',
    message: `Rate limit exceeded, retry in ${retryAfterSeconds} seconds`,
    retryAfterSeconds,
  };
}

/**
 * A refusal as HTTP: status, headers and body. The 429 uses the contract's rate-limit body
 * (`{statusCode, error: "Too Many Requests", message}`) like every other 429 of the gateway.
 */
export function refusalResponse(decision: Exclude<GateDecision, { ok: true }>): {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
} {
  if (decision.status === 429) {
    return {
      status: 429,
      headers: { 'retry-after': String(decision.retryAfterSeconds) },
      body: { statusCode: 429, error: 'Too Many Requests', message: decision.message },
    };
  }
  return { status: decision.status, headers: {}, body: { error: decision.error, message: decision.message } };
}
