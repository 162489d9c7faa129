// Browser sessions are HS256 JWTs (`sub: "ui-user"`, `mustChangePassword`), verified by passport-jwt.
// The signing key is JWT_SECRET, else `${FORGE_DATA_DIR}/jwt-secret`, generated once (0600, atomic) and
// reused across restarts; deleting the file rotates the key and so ends every browser session.
// With API-key-only auth there is no key and no JWT is ever valid. Tokens carry the password's version
// (`pwv`), so changing the password revokes every token issued before.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { Strategy as JwtStrategy } from 'passport-jwt';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, writeFileAtomic, type ForgeConfig } from '@pi-forge/runtime';
import { PasswordStore } from './password-store.js';
import { SessionActivity } from './session-activity.js';

const SUBJECT = 'ui-user';
const MIN_SECRET_LENGTH = 32;

export interface SessionClaims {
  mustChangePassword: boolean;
  iat: number;
  exp: number;
  pwv?: string;
}

interface StrategyOutcome {
  claims?: SessionClaims;
}

@Injectable()
export class TokenService implements OnModuleInit {
  private secret: string | undefined;
  private strategy: JwtStrategy | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly passwords: PasswordStore,
    private readonly activity: SessionActivity,
  ) {}

  async onModuleInit(): Promise<void> {
    // LDAP logins need a signing key too, even with no local password (docs/compatibility.md#auth-and-security).
    this.secret =
      this.config.JWT_SECRET ?? (this.passwords.configured || this.config.LDAP_ENABLED ? await this.loadOrCreateSecret() : undefined);
    if (!this.secret) return;
    this.strategy = new JwtStrategy(
      {
        // The caller hands over the raw token; where it came from (header, query) is the guard's business.
        jwtFromRequest: (req: { token?: string }) => req.token ?? null,
        secretOrKey: this.secret,
        algorithms: ['HS256'],
        jsonWebTokenOptions: { subject: SUBJECT },
      },
      (
        payload: { mustChangePassword?: unknown; iat: number; exp: number; pwv?: unknown },
        done: (err: null, user: SessionClaims) => void,
      ) => {
        const pwv = typeof payload.pwv === 'string' ? payload.pwv : undefined;
        done(null, { mustChangePassword: payload.mustChangePassword === true, iat: payload.iat, exp: payload.exp, pwv });
      },
    );
  }

  get enabled(): boolean {
    return this.strategy !== undefined;
  }

  issue(mustChangePassword: boolean): { token: string; expiresAt: string } {
    if (!this.secret) throw new Error('no JWT signing key (password auth is not configured)');
    const lifetime = this.config.JWT_EXPIRES_IN_SECONDS;
    const token = jwt.sign({ mustChangePassword, pwv: this.tokenVersion() }, this.secret, {
      algorithm: 'HS256',
      subject: SUBJECT,
      expiresIn: lifetime,
    });
    const { exp } = jwt.decode(token) as { exp: number };
    this.activity.started(token);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /**
   * The claims of a valid token, or undefined (bad signature, wrong algorithm, expired, wrong subject, idle
   * past LOGIN_INACTIVITY_TIMEOUT_SECONDS, no key). `refresh`: this request counts as activity (mutations).
   */
  async verify(token: string, refresh = false): Promise<SessionClaims | undefined> {
    const strategy = this.strategy;
    if (!strategy) return undefined;
    // passport's own calling convention: a per-request copy of the strategy with success/fail bound.
    const { claims } = await new Promise<StrategyOutcome>((resolve) => {
      const run = Object.create(strategy) as JwtStrategy & {
        success(user: SessionClaims): void;
        fail(info?: unknown): void;
        error(err: unknown): void;
      };
      run.success = (claims) => resolve({ claims });
      run.fail = () => resolve({});
      run.error = () => resolve({});
      run.authenticate({ token } as never, {});
    });
    return claims && this.currentVersion(claims) && this.activity.check(token, claims.iat, refresh) ? claims : undefined;
  }

  /**
   * Issued for the current password (see PasswordStore.tokenVersion). A token without a version (signed
   * with JWT_SECRET elsewhere, or before versions existed) counts only until a password hash is stored.
   */
  private currentVersion(claims: SessionClaims): boolean {
    return claims.pwv === undefined ? !this.passwords.hasHash : claims.pwv === this.tokenVersion();
  }

  /**
   * Keyed with the signing key: JWT payloads are readable, and a plain digest of the env password
   * would let anyone holding a token guess the password offline.
   */
  private tokenVersion(): string {
    return createHmac('sha256', this.secret ?? '')
      .update(this.passwords.versionSource)
      .digest('base64url')
      .slice(0, 22);
  }

  private async loadOrCreateSecret(): Promise<string> {
    const file = join(this.config.FORGE_DATA_DIR, 'jwt-secret');
    if (existsSync(file)) {
      const existing = readFileSync(file, 'utf8').trim();
      if (existing.length >= MIN_SECRET_LENGTH) {
        chmodSync(file, 0o600);
        return existing;
      }
      this.logger.warn({ file }, 'jwt-secret is too short; generating a new one');
    }
    const secret = randomBytes(48).toString('base64url');
    await writeFileAtomic(file, `${secret}\n`, { mode: 0o600 });
    this.logger.info({ file }, 'auto-generated JWT secret persisted');
    return secret;
  }
}
