// Authentication for the whole gateway: the global guard (default deny), login and tokens, tickets, and
// the WebSocket upgrade check. Exports only what other features may use: UpgradeAuthenticator and
// AuthGate (for the unmatched-route hook), plus the origin policy that CORS and upgrades share.
import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';
import { OriginPolicy } from '../common/cors.js';
import { HostPolicy } from '../common/host-policy.js';
import { AuthFailureThrottle } from './auth-failure-throttle.js';
import { AuthController } from './auth.controller.js';
import { AuthGate } from './auth-gate.js';
import { AuthGuard } from './auth.guard.js';
import { GateUpgradeAuthenticator } from './gate-upgrade-authenticator.js';
import { LdapConnector, LdapLogin, LdaptsConnector } from './ldap-login.js';
import { LoginLockout } from './login-lockout.js';
import { LoginService } from './login.service.js';
import { PasswordStore } from './password-store.js';
import { SessionActivity } from './session-activity.js';
import { TicketStore } from './ticket-store.js';
import { TokenService } from './token.service.js';
import { UpgradeAuthenticator } from './upgrade-authenticator.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;
/** 24 random characters are ~140 bits; shorter keys are within reach of a patient guesser. */
const MIN_API_KEY_LENGTH = 24;

@Global()
@Module({
  controllers: [AuthController],
  providers: [
    PasswordStore,
    SessionActivity,
    TokenService,
    TicketStore,
    LoginLockout,
    LoginService,
    AuthGate,
    OriginPolicy,
    AuthFailureThrottle,
    HostPolicy,
    LdapLogin,
    { provide: LdapConnector, useClass: LdaptsConnector },
    { provide: UpgradeAuthenticator, useClass: GateUpgradeAuthenticator },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [UpgradeAuthenticator, AuthGate, OriginPolicy, HostPolicy],
})
export class AuthModule implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly gate: AuthGate,
  ) {}

  onModuleInit(): void {
    const c = this.config;
    if (c.LDAP_ENABLED) {
      // Never the bind password; enough for an operator to see which directory is used and how.
      this.logger.info(
        {
          url: c.LDAP_URL,
          baseDn: c.LDAP_BASE_DN,
          bindDn: c.LDAP_BIND_DN,
          tls: c.LDAP_URL?.startsWith('ldaps:') ? 'ldaps' : 'plain',
          requiredGroup: c.LDAP_REQUIRED_GROUP_DN ?? null,
          localAdmin: c.FORGE_LOCAL_ADMIN_USERNAME,
        },
        '[ldap] LDAP login enabled',
      );
      const missing = (['LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN'] as const).filter((k) => !c[k]);
      if (missing.length)
        this.logger.warn({ missing }, '[ldap] LDAP_ENABLED is set but incomplete: LDAP logins answer 503 ldap_not_configured');
    }
    if (c.API_KEY && c.API_KEY.length < MIN_API_KEY_LENGTH) {
      this.logger.warn(
        { length: c.API_KEY.length, minimum: MIN_API_KEY_LENGTH },
        'API_KEY is short enough to guess; use at least 24 random characters (e.g. openssl rand -base64 32)',
      );
    }
    if (!this.gate.enabled && !LOOPBACK.test(this.config.HOST)) {
      this.logger.warn(
        { host: this.config.HOST },
        'auth is off and the gateway listens beyond loopback: anyone who can reach it controls this machine; set UI_PASSWORD or API_KEY',
      );
    }
  }
}
