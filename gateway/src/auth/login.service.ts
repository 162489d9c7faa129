// Password login and password change (docs/compatibility.md#auth-and-security): lock-out per username before any verification,
// the stored hash over the env password, and restricted tokens under REQUIRE_PASSWORD_CHANGE.
import { HttpException, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';
import { LoginLockout } from './login-lockout.js';
import { PasswordStore } from './password-store.js';
import { TokenService } from './token.service.js';
import type { ChangePasswordDto, LoginDto, SessionTokenDto } from './auth.dto.js';

const fail = (status: number, error: string, message: string, extra: Record<string, unknown> = {}) =>
  new HttpException({ error, message, ...extra }, status);

@Injectable()
export class LoginService {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly passwords: PasswordStore,
    private readonly tokens: TokenService,
    private readonly lockout: LoginLockout,
  ) {}

  async login(body: LoginDto, clientIp: string): Promise<SessionTokenDto> {
    const key = this.lockout.key(body.username);
    const lockedUntil = this.lockout.lockedUntil(key);
    if (lockedUntil) {
      const seconds = Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000));
      throw fail(423, 'login_locked', `too many failed login attempts; try again in ${seconds} seconds`, { lockedUntil: lockedUntil.toISOString() });
    }
    if (!this.passwords.configured || !this.tokens.enabled) throw fail(503, 'ui_password_not_configured', 'no UI password is configured');
    const check = await this.passwords.verify(body.password);
    if (!check.ok) {
      this.lockout.recordFailure(key);
      // Only the admin name is logged: people type their password into the username field.
      const user = key === this.lockout.key(undefined) ? key : '(another name)';
      this.logger.warn({ user, ip: clientIp }, 'failed login');
      const until = this.lockout.lockedUntil(key);
      if (until) this.logger.warn({ user, until: until.toISOString() }, 'too many failed logins; username locked');
      throw fail(401, 'invalid_password', 'the password did not match');
    }
    this.lockout.recordSuccess(key);
    const mustChangePassword = check.source === 'env' && this.config.REQUIRE_PASSWORD_CHANGE;
    return { ...this.tokens.issue(mustChangePassword), mustChangePassword };
  }

  /** Needs a JWT in the Authorization header (restricted ones too; the API key is not a user). */
  async changePassword(authorization: string | undefined, body: ChangePasswordDto): Promise<SessionTokenDto> {
    const token = /^Bearer ([^\s]+)$/i.exec(authorization ?? '')?.[1];
    const claims = token ? await this.tokens.verify(token, true) : undefined;
    if (!claims) throw fail(401, 'auth_required', 'log in first: send the session token as Authorization: Bearer <token>');
    if (!this.passwords.configured) throw fail(503, 'ui_password_not_configured', 'no UI password is configured');
    const check = await this.passwords.verify(body.currentPassword);
    if (!check.ok) throw fail(401, 'invalid_password', 'the current password did not match');
    if (body.newPassword === body.currentPassword) throw fail(400, 'password_unchanged', 'the new password is the same as the current one');
    await this.passwords.store(body.newPassword);
    this.logger.info('password changed; the stored hash now replaces UI_PASSWORD');
    return { ...this.tokens.issue(false), mustChangePassword: false };
  }
}
