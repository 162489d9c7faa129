// LoginService routing with fakes: which check runs and which identity the lock-out counts against
// (docs/compatibility.md#auth; issue 12.2: a username the check ignores must not get its own attempts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpException } from '@nestjs/common';
import type { Logger } from 'pino';
import { loadConfig } from '@pi-forge/runtime';
import type { LdapLogin } from './ldap-login.js';
import { LoginLockout } from './login-lockout.js';
import { LoginService } from './login.service.js';
import type { PasswordStore } from './password-store.js';
import type { TokenService } from './token.service.js';

const LOCAL = 'local-password';

function setup(env: Record<string, string> = {}) {
  const config = loadConfig({ env: { HOME: '/nonexistent', LOGIN_ATTEMPT_LIMIT_MAX: '2', FORGE_LOCAL_ADMIN_USERNAME: 'Boss', ...env } });
  const ldapCalls: string[] = [];
  const passwords = {
    configured: true,
    verify: async (p: string) => (p === LOCAL ? { ok: true, source: 'env' } : { ok: false, reason: 'mismatch' }),
  } as unknown as PasswordStore;
  const tokens = { enabled: true, issue: () => ({ token: 't', expiresAt: new Date(0).toISOString() }) } as unknown as TokenService;
  const ldap = {
    configured: true,
    verify: async (name: string, p: string) => {
      ldapCalls.push(name);
      return p === 'dir-pw' ? { ok: true } : { ok: false, reason: 'bad_credentials' };
    },
  } as unknown as LdapLogin;
  const logger = { warn: () => undefined, info: () => undefined } as unknown as Logger;
  const service = new LoginService(config, logger, passwords, tokens, new LoginLockout(config), ldap);
  const status = (username: string | undefined, password: string) =>
    service.login({ username, password }, '127.0.0.1').then(
      () => 200,
      (e: HttpException) => e.getStatus(),
    );
  return { status, ldapCalls };
}

describe('LoginService', () => {
  it('with LDAP off, counts every name against the admin: new names do not reset the count', async () => {
    const { status } = setup();
    assert.equal(await status('mallory', 'x'), 401);
    assert.equal(await status('random-7', 'y'), 401);
    assert.equal(await status(undefined, LOCAL), 423);
    assert.equal(await status('another-name', LOCAL), 423);
  });

  it('with LDAP on, sends other names to the directory and locks each name apart', async () => {
    const { status, ldapCalls } = setup({ LDAP_ENABLED: 'true' });
    assert.equal(await status('Alice', 'x'), 401);
    assert.equal(await status(' alice ', 'y'), 401);
    assert.equal(await status('ALICE', 'dir-pw'), 423, 'one lower-cased, trimmed key');
    assert.equal(await status('bob', 'dir-pw'), 200);
    assert.equal(await status('boss', LOCAL), 200, 'the admin name, in any case, is local');
    assert.equal(await status(undefined, LOCAL), 200);
    assert.deepEqual(ldapCalls, ['Alice', 'alice', 'bob'], 'the locked attempt never reached the directory; the admin never does');
  });

  it('clears the count on success', async () => {
    const { status } = setup();
    assert.equal(await status(undefined, 'x'), 401);
    assert.equal(await status(undefined, LOCAL), 200);
    assert.equal(await status(undefined, 'y'), 401);
    assert.equal(await status(undefined, LOCAL), 200);
  });
});
