// Password login and password change (docs/compatibility.md#auth-and-security): the local password or LDAP, a lock-out per
// checked identity before any verification, the stored hash over the env password, and restricted
// tokens under REQUIRE_PASSWORD_CHANGE.
import { HttpException, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';
import { LdapLogin } from './ldap-login.js';
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
    private readonly ldap: LdapLogin,
  ) {}

  /**
   * Which check a login runs, and so which identity the lock-out counts against (docs/compatibility.md#auth):
   * no name or the local admin name → the local password; another name → LDAP when it is on. With LDAP
   * off every name reaches the one local password, so the lock-out counts against the admin whatever
   * name was sent (keying on an unchecked name let random names bypass it: issue 12.2).
   */
  private route(username: string | undefined): { path: 'local' | 'ldap'; key: string; name: string } {
    const admin = this.config.FORGE_LOCAL_ADMIN_USERNAME.toLowerCase();
    const name = username?.trim() ?? '';
    if (!name || name.toLowerCase() === admin || !this.config.LDAP_ENABLED) return { path: 'local', key: admin, name: admin };
    return { path: 'ldap', key: name.toLowerCase(), name };
  }

  async login(body: LoginDto, clientIp: string): Promise<SessionTokenDto> {
    const { path, key, name } = this.route(body.username);
    const lockedUntil = this.lockout.lockedUntil(key);
    if (lockedUntil) {
      const seconds = Math.max(1, Math.ceil((lockedUntil.getTime() - this.lockout.now()) / 1000));
      throw fail(423, 'login_locked', `too many failed login attempts; try again in ${seconds} seconds`, {
        lockedUntil: lockedUntil.toISOString(),
      });
    }
    if (path === 'ldap') return this.ldapLogin(name, key, body.password, clientIp);
    if (!this.passwords.configured || !this.tokens.enabled) throw fail(503, 'ui_password_not_configured', 'no UI password is configured');
    const check = await this.passwords.verify(body.password);
    if (!check.ok) {
      this.recordFailure(key, key, clientIp);
      throw fail(401, 'invalid_password', 'the password did not match');
    }
    this.lockout.recordSuccess(key);
    const mustChangePassword = check.source === 'env' && this.config.REQUIRE_PASSWORD_CHANGE;
    return { ...this.tokens.issue(mustChangePassword), mustChangePassword };
  }

  private async ldapLogin(name: string, key: string, password: string, clientIp: string): Promise<SessionTokenDto> {
    if (!this.ldap.configured || !this.tokens.enabled) {
      throw fail(503, 'ldap_not_configured', 'LDAP login is on but LDAP_URL, LDAP_BIND_DN, LDAP_BIND_PASSWORD or LDAP_BASE_DN is missing');
    }
    const outcome = await this.ldap.verify(name, password);
    if (!outcome.ok) {
      // The LDAP line already says whether the name exists; here it stays out (it may be a password).
      this.recordFailure(key, '(ldap user)', clientIp);
      throw fail(401, 'invalid_password', 'the username or password did not match, or the user is not authorized');
    }
    this.lockout.recordSuccess(key);
    return { ...this.tokens.issue(false), mustChangePassword: false };
  }

  /** `user` is what may be logged: the admin name, never a caller-chosen one. */
  private recordFailure(key: string, user: string, clientIp: string): void {
    this.lockout.recordFailure(key);
    // request.ip: the socket address, or X-Forwarded-For under TRUST_PROXY (the hop handling is the edge's).
    this.logger.warn({ user, ip: clientIp }, 'failed login');
    const until = this.lockout.lockedUntil(key);
    if (until) this.logger.warn({ user, until: until.toISOString() }, 'too many failed logins; username locked');
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
