// Decides whether a request carries acceptable credentials (docs/compatibility.md#auth-and-security). One implementation for the
// global HTTP guard, for unmatched /api/v1 paths and for WebSocket upgrades, so they can never disagree.
import { Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { PasswordStore, secretsEqual } from './password-store.js';
import { TicketStore } from './ticket-store.js';
import { TokenService } from './token.service.js';

export type Credential = 'open' | 'jwt' | 'api_key' | 'ticket';

export type GateDecision =
  | { ok: true; via: Credential }
  | { ok: false; status: 401; error: 'missing_token' | 'invalid_token'; message: string }
  | { ok: false; status: 403; error: 'must_change_password'; message: string };

const MISSING = { ok: false, status: 401, error: 'missing_token', message: 'send Authorization: Bearer <token>' } as const;
const INVALID = { ok: false, status: 401, error: 'invalid_token', message: 'the token is not valid (expired, revoked or malformed)' } as const;
const MUST_CHANGE = { ok: false, status: 403, error: 'must_change_password', message: 'change the password before using the API' } as const;

/** `Bearer <token>`: scheme case-insensitive, one token without whitespace (docs/compatibility.md#auth-and-security). */
const BEARER = /^Bearer ([^\s]+)$/i;

export interface CredentialSources {
  headers: IncomingHttpHeaders;
  /** `?ticket=` (GET requests and upgrades only). */
  ticket?: string;
  /** `?token=` (the terminal upgrade only, for compatibility). */
  token?: string;
  /** The request changes something, so it counts as session activity (LOGIN_INACTIVITY_TIMEOUT_SECONDS). */
  mutating: boolean;
}

@Injectable()
export class AuthGate {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    private readonly passwords: PasswordStore,
    private readonly tokens: TokenService,
    private readonly tickets: TicketStore,
  ) {}

  /** Auth is on when a password (env or stored hash), an API key or LDAP is configured (docs/compatibility.md#auth-and-security). */
  get enabled(): boolean {
    return this.passwords.configured || !!this.config.API_KEY || this.config.LDAP_ENABLED;
  }

  async check(sources: CredentialSources): Promise<GateDecision> {
    if (!this.enabled) return { ok: true, via: 'open' };
    const header = sources.headers.authorization;
    if (header !== undefined) {
      const bearer = BEARER.exec(header)?.[1];
      if (bearer) return this.checkBearer(bearer, sources.mutating);
    }
    if (sources.ticket) return this.tickets.consume(sources.ticket) ? { ok: true, via: 'ticket' } : INVALID;
    if (sources.token) return this.checkBearer(sources.token, sources.mutating);
    return MISSING;
  }

  /** A JWT without the must-change flag, or the API key. JWT first, as the original does. */
  private async checkBearer(token: string, mutating: boolean): Promise<GateDecision> {
    const claims = await this.tokens.verify(token, mutating);
    if (claims) return claims.mustChangePassword ? MUST_CHANGE : { ok: true, via: 'jwt' };
    if (this.config.API_KEY && secretsEqual(token, this.config.API_KEY)) return { ok: true, via: 'api_key' };
    return INVALID;
  }
}
