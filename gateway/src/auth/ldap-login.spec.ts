// LdapLogin against a fake directory: filter escaping, the order of binds, the group check, failure
// categories, and that neither the password nor an unknown name reaches the log.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import { loadConfig } from '@pi-forge/runtime';
import { escapeFilterValue, LdapConnector, LdapLogin, type LdapConnection, type LdapEntry } from './ldap-login.js';

const SERVICE_PASSWORD = 'service-secret-Pw1';

class FakeDirectory extends LdapConnector {
  calls: string[] = [];
  constructor(private readonly users: Record<string, { password: string; memberOf?: string[] }>) {
    super();
  }
  connect(): LdapConnection {
    return {
      bind: async (dn, password) => {
        this.calls.push(`bind ${dn}`);
        if (dn === 'cn=svc,dc=t' && password === SERVICE_PASSWORD) return;
        const user = Object.entries(this.users).find(([uid]) => `uid=${uid},dc=t` === dn)?.[1];
        if (user && user.password === password) return;
        throw Object.assign(new Error('Invalid Credentials'), { code: 49 });
      },
      search: async (base, o) => {
        this.calls.push(`search ${base} ${o.filter} ${o.sizeLimit} ${o.attributes.join(',')}`);
        const uid = /\(uid=([^)]*)\)/.exec(o.filter)?.[1];
        const hits: LdapEntry[] = Object.entries(this.users)
          .filter(([name]) => name === uid)
          .map(([name, u]) => ({ dn: `uid=${name},dc=t`, memberOf: u.memberOf ?? [] }));
        return hits;
      },
      unbind: async () => {
        this.calls.push('unbind');
      },
    };
  }
}

function setup(env: Record<string, string> = {}) {
  const lines: unknown[][] = [];
  const logger = {
    info: (...a: unknown[]) => lines.push(a),
    warn: (...a: unknown[]) => lines.push(a),
    error: (...a: unknown[]) => lines.push(a),
  } as unknown as Logger;
  const config = loadConfig({
    env: {
      HOME: '/nonexistent',
      LDAP_ENABLED: 'true',
      LDAP_URL: 'ldap://127.0.0.1:1',
      LDAP_BIND_DN: 'cn=svc,dc=t',
      LDAP_BIND_PASSWORD: SERVICE_PASSWORD,
      LDAP_BASE_DN: 'dc=t',
      LDAP_USER_FILTER: '(uid={{username}})',
      LDAP_REQUIRED_GROUP_DN: 'cn=Forge, ou=Groups,dc=t',
      ...env,
    },
  });
  const directory = new FakeDirectory({
    alice: { password: 'alice-pw', memberOf: ['CN=forge,ou=groups,DC=t'] },
    bob: { password: 'bob-pw', memberOf: ['cn=other,dc=t'] },
  });
  return { login: new LdapLogin(config, logger, directory), directory, lines };
}

describe('escapeFilterValue (RFC 4515)', () => {
  it('escapes the characters that change a filter', () => {
    assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
    assert.equal(escapeFilterValue('a\\b\0c'), 'a\\5cb\\00c');
    assert.equal(escapeFilterValue('plain.user@example.com'), 'plain.user@example.com');
  });
});

describe('LdapLogin', () => {
  it('binds as the service, searches with the escaped name, checks the group, then binds as the user', async () => {
    const { login, directory } = setup();
    assert.deepEqual(await login.verify('alice', 'alice-pw'), { ok: true });
    assert.deepEqual(directory.calls, ['bind cn=svc,dc=t', 'search dc=t (uid=alice) 2 memberOf', 'bind uid=alice,dc=t', 'unbind']);
  });

  it('names each failure and never binds as a user who is not in the group', async () => {
    const { login, directory } = setup();
    assert.deepEqual(await login.verify('bob', 'bob-pw'), { ok: false, reason: 'not_in_group' });
    assert.ok(!directory.calls.includes('bind uid=bob,dc=t'));
    assert.deepEqual(await login.verify('alice', 'wrong'), { ok: false, reason: 'bad_credentials' });
    assert.deepEqual(await login.verify('nobody', 'x'), { ok: false, reason: 'user_not_found' });
    assert.deepEqual(await login.verify('*)(uid=*', 'x'), { ok: false, reason: 'user_not_found' });
    assert.ok(directory.calls.includes('search dc=t (uid=\\2a\\29\\28uid=\\2a) 2 memberOf'));
    assert.deepEqual(await login.verify('alice', ''), { ok: false, reason: 'bad_credentials' }, 'no unauthenticated bind');
  });

  it('reports a wrong service password as service_bind_failed', async () => {
    const { login } = setup({ LDAP_BIND_PASSWORD: 'not-it' });
    assert.deepEqual(await login.verify('alice', 'alice-pw'), { ok: false, reason: 'service_bind_failed' });
  });

  it('skips the group check without LDAP_REQUIRED_GROUP_DN', async () => {
    const { login } = setup({ LDAP_REQUIRED_GROUP_DN: '' });
    assert.deepEqual(await login.verify('bob', 'bob-pw'), { ok: true });
  });

  it('logs [ldap] lines without passwords or unknown names', async () => {
    const { login, lines } = setup();
    await login.verify('alice', 'alice-pw');
    await login.verify('typed-my-password-here', 'x');
    const text = JSON.stringify(lines);
    assert.match(text, /\[ldap\] login succeeded/);
    assert.match(text, /\[ldap\] login failed/);
    for (const secret of ['alice-pw', SERVICE_PASSWORD, 'typed-my-password-here']) assert.ok(!text.includes(secret), secret);
  });

  it('is configured only with URL, bind DN, bind password and base DN', () => {
    assert.equal(setup().login.configured, true);
    for (const missing of ['LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN'])
      assert.equal(setup({ [missing]: '' }).login.configured, false, missing);
  });
});
