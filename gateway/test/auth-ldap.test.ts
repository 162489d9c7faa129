// LDAP login (docs/compatibility.md#auth-and-security) against a real OpenLDAP (slapd) on loopback: a user in the required group
// logs in, others are refused, filter injection finds nobody, the local admin stays local, the
// lock-out counts per LDAP name, 503 ldap_not_configured, ldaps:// with certificate checks, and no
// password ever reaches a log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeStackDirs, startStack, type Stack } from '@pi-forge/test-fixtures';
import { assertNotLogged, bearer, login } from './auth-support.js';
import { BASE_DN, startLdapServer, type LdapServer } from './ldap-server.js';

const ADMIN = 'forge-admin';
const ADMIN_PASSWORD = 'local-admin-password-Jt4';
const ALICE_PASSWORD = 'alice-directory-password-Wq7';
const BOB_PASSWORD = 'bob-directory-password-Lm3';
const LDAP_MESSAGE = 'the username or password did not match, or the user is not authorized';

describe('auth: LDAP login against slapd', () => {
  let ldap: LdapServer;
  let stack: Stack;
  let ip = 0;
  /** A fresh client address per request, so the per-IP login limit never answers first. */
  const xff = () => `10.30.${Math.floor(++ip / 250)}.${ip % 250}`;
  const tokens: string[] = [];

  before(async () => {
    ldap = await startLdapServer(
      [
        { uid: 'alice', password: ALICE_PASSWORD, groups: ['forge-users'], mail: 'alice@forge.test' },
        { uid: 'bob', password: BOB_PASSWORD, groups: ['other'] },
      ],
      ['forge-users', 'other'],
    );
    const dirs = makeStackDirs();
    const bindPasswordFile = join(dirs.root, 'ldap-bind-password');
    writeFileSync(bindPasswordFile, `${ldap.servicePassword}\n`, { mode: 0o600 });
    stack = await startStack({
      name: 'auth-ldap',
      dirs,
      env: {
        UI_PASSWORD: ADMIN_PASSWORD,
        FORGE_LOCAL_ADMIN_USERNAME: ADMIN,
        TRUST_PROXY: 'true',
        LDAP_ENABLED: 'true',
        LDAP_URL: ldap.url,
        LDAP_BIND_DN: ldap.serviceDn,
        LDAP_BIND_PASSWORD_FILE: bindPasswordFile,
        LDAP_BASE_DN: BASE_DN,
        LDAP_REQUIRED_GROUP_DN: ldap.groupDn('forge-users'),
        LOGIN_ATTEMPT_LIMIT_MAX: '3',
        LOGIN_LOCKOUT_MS: '60000',
      },
    });
  });
  after(async () => {
    await stack?.dispose();
    await ldap?.stop();
  });

  it('reports ldapEnabled in auth/status and ui-config', async () => {
    assert.deepEqual(await (await fetch(`${stack.baseUrl}/api/v1/auth/status`)).json(), { authEnabled: true, ldapEnabled: true });
    assert.equal((await (await fetch(`${stack.baseUrl}/api/v1/ui-config`)).json()).ldapEnabled, true);
  });

  it('logs in a directory user who is in the required group (by uid or mail)', async () => {
    for (const username of ['alice', 'alice@forge.test']) {
      const res = await login(stack, ALICE_PASSWORD, { username, xff: xff() });
      assert.equal(res.status, 200, username);
      const body = await res.json();
      assert.equal(body.mustChangePassword, false);
      tokens.push(body.token);
      assert.equal((await fetch(`${stack.baseUrl}/api/v1/auth/session`, { headers: bearer(body.token) })).status, 200);
    }
  });

  it('refuses a user outside the group, a wrong password and an unknown user alike (401)', async () => {
    for (const [username, password] of [
      ['bob', BOB_PASSWORD],
      ['alice', 'not-alices-password'],
      ['nobody', ALICE_PASSWORD],
      ['alice', ADMIN_PASSWORD],
    ]) {
      const res = await login(stack, password, { username, xff: xff() });
      assert.equal(res.status, 401, `${username}`);
      assert.deepEqual(await res.json(), { error: 'invalid_password', message: LDAP_MESSAGE });
    }
  });

  it('finds nobody with a filter-injection username, even with a valid password', async () => {
    for (const username of ['*)(uid=*', '*', 'alice)(|(uid=*', 'a*']) {
      const res = await login(stack, ALICE_PASSWORD, { username, xff: xff() });
      assert.equal(res.status, 401, username);
    }
  });

  it('keeps the local admin on the local password, in any letter case, and without a username', async () => {
    for (const username of [ADMIN, 'Forge-Admin', undefined]) {
      const res = await login(stack, ADMIN_PASSWORD, { username, xff: xff() });
      assert.equal(res.status, 200, String(username));
      tokens.push((await res.json()).token);
    }
    const wrong = await login(stack, ALICE_PASSWORD, { username: ADMIN, xff: xff() });
    assert.equal(wrong.status, 401);
    assert.equal((await wrong.json()).message, 'the password did not match', 'the admin is checked locally, not in the directory');
  });

  it('locks an LDAP name after LOGIN_ATTEMPT_LIMIT_MAX failures, without touching other names', async () => {
    // bob failed once above; two more lock him (limit 3)
    for (let i = 0; i < 2; i++) assert.equal((await login(stack, 'guess', { username: 'bob', xff: xff() })).status, 401);
    const locked = await login(stack, BOB_PASSWORD, { username: 'BOB ', xff: xff() });
    assert.equal(locked.status, 423);
    const body = await locked.json();
    assert.equal(body.error, 'login_locked');
    assert.ok(Date.parse(body.lockedUntil) > Date.now());
    assert.equal((await login(stack, ALICE_PASSWORD, { username: 'alice', xff: xff() })).status, 200, 'alice is not locked');
    assert.equal((await login(stack, ADMIN_PASSWORD, { xff: xff() })).status, 200, 'the admin is not locked');
  });

  it('logs [ldap] lines with the failure category, never a password or an unknown name', async () => {
    await stack.logsSettled();
    const ldapLines = stack.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('[ldap]'));
    assert.ok(
      ldapLines.some((l) => l.msg === '[ldap] LDAP login enabled' && l.url === ldap.url),
      'start-up line',
    );
    assert.ok(ldapLines.some((l) => l.msg === '[ldap] login succeeded' && l.user === 'alice'));
    const reasons = new Set(ldapLines.filter((l) => l.msg === '[ldap] login failed').map((l) => l.reason));
    for (const reason of ['not_in_group', 'bad_credentials', 'user_not_found'])
      assert.ok(reasons.has(reason), `${reason} in ${[...reasons].join(', ')}`);
    // Every refusal above was the directory's verdict, not an outage that would also answer 401.
    for (const outage of ['service_bind_failed', 'directory_error']) assert.ok(!reasons.has(outage), `no ${outage}`);
    await assertNotLogged(stack, {
      'alice password': ALICE_PASSWORD,
      'bob password': BOB_PASSWORD,
      'service password': ldap.servicePassword,
      'admin password': ADMIN_PASSWORD,
      'injection username': '*)(uid=*',
      'unknown username': 'nobody',
      ...Object.fromEntries(tokens.map((t, i) => [`token ${i}`, t])),
    });
  });
});

describe('auth: LDAP on but incomplete', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      name: 'auth-ldap-incomplete',
      env: { LDAP_ENABLED: 'true', LDAP_URL: 'ldap://127.0.0.1:9', LDAP_BASE_DN: BASE_DN },
    });
  });
  after(async () => {
    await stack?.dispose();
  });

  it('answers 503 ldap_not_configured for directory names and ui_password_not_configured for the admin', async () => {
    const res = await login(stack, 'whatever', { username: 'alice' });
    assert.equal(res.status, 503);
    assert.equal((await res.json()).error, 'ldap_not_configured');
    const admin = await login(stack, 'whatever');
    assert.equal(admin.status, 503);
    assert.equal((await admin.json()).error, 'ui_password_not_configured');
    assert.deepEqual(await (await fetch(`${stack.baseUrl}/api/v1/auth/status`)).json(), { authEnabled: true, ldapEnabled: true });
    await stack.logsSettled();
    assert.ok(stack.logs.some((l) => l.msg === '[ldap] LDAP_ENABLED is set but incomplete: LDAP logins answer 503 ldap_not_configured'));
  });
});

describe('auth: LDAPS and LDAP_TLS_REJECT_UNAUTHORIZED', () => {
  let ldap: LdapServer;
  const stacks: Record<'trusted' | 'untrusted' | 'unchecked', Stack> = {} as never;
  let secretsDir = '';
  before(async () => {
    ldap = await startLdapServer([{ uid: 'alice', password: ALICE_PASSWORD, groups: ['forge-users'] }], ['forge-users'], { tls: true });
    secretsDir = mkdtempSync(join(tmpdir(), 'pi-forge-ldaps-'));
    const bindPasswordFile = join(secretsDir, 'ldap-bind-password');
    writeFileSync(bindPasswordFile, ldap.servicePassword, { mode: 0o600 });
    const env = {
      LDAP_ENABLED: 'true',
      LDAP_URL: ldap.ldapsUrl!,
      LDAP_BIND_DN: ldap.serviceDn,
      LDAP_BIND_PASSWORD_FILE: bindPasswordFile,
      LDAP_BASE_DN: BASE_DN,
    };
    // The certificate is self-signed: trusted only where the gateway is given it as a CA.
    [stacks.trusted, stacks.untrusted, stacks.unchecked] = await Promise.all([
      startStack({ name: 'auth-ldaps-trusted', env: { ...env, NODE_EXTRA_CA_CERTS: ldap.certFile! } }),
      startStack({ name: 'auth-ldaps-untrusted', env }),
      startStack({ name: 'auth-ldaps-unchecked', env: { ...env, LDAP_TLS_REJECT_UNAUTHORIZED: 'false' } }),
    ]);
  });
  after(async () => {
    await Promise.all(Object.values(stacks).map((s) => s?.dispose()));
    await ldap?.stop();
    if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
  });

  it('logs in over ldaps:// with a trusted certificate, refuses an untrusted one unless verification is off', async () => {
    assert.equal((await login(stacks.trusted, ALICE_PASSWORD, { username: 'alice' })).status, 200);
    assert.equal((await login(stacks.untrusted, ALICE_PASSWORD, { username: 'alice' })).status, 401);
    assert.equal((await login(stacks.unchecked, ALICE_PASSWORD, { username: 'alice' })).status, 200);
    await stacks.untrusted.logsSettled();
    const failed = stacks.untrusted.logs.find((l) => l.msg === '[ldap] login failed');
    assert.equal(failed?.reason, 'service_bind_failed');
    assert.equal(failed?.tls, 'ldaps');
    await assertNotLogged(stacks.untrusted, { 'alice password': ALICE_PASSWORD, 'service password': ldap.servicePassword });
  });
});
