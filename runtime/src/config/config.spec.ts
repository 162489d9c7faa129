import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnvironment, ConfigError, helpText, loadConfig, parseArgs } from './config.js';

const base = { HOME: '/home/tester' };

describe('config', () => {
  it('applies the contract defaults', () => {
    const c = loadConfig({ env: base });
    assert.equal(c.PORT, 3000);
    assert.equal(c.HOST, '127.0.0.1');
    assert.equal(c.WORKSPACE_PATH, '/home/tester/.pi-forge/workspace');
    assert.equal(c.FORGE_DATA_DIR, '/home/tester/.pi-forge');
    assert.equal(c.PI_CONFIG_DIR, '/home/tester/.pi/agent');
    assert.equal(c.SESSION_DIR, '/home/tester/.pi-forge/workspace/.pi/sessions');
    assert.equal(c.JWT_EXPIRES_IN_SECONDS, 604800);
    assert.equal(c.TRUST_PROXY, false);
    assert.deepEqual(c.CORS_ORIGIN, []);
    assert.equal(c.UI_PASSWORD, undefined);
  });

  it('derives SESSION_DIR and the socket folder from the chosen paths', () => {
    const a = loadConfig({ env: { ...base, WORKSPACE_PATH: '/srv/ws', FORGE_DATA_DIR: '/srv/a' } });
    const b = loadConfig({ env: { ...base, WORKSPACE_PATH: '/srv/ws', FORGE_DATA_DIR: '/srv/b' } });
    assert.equal(a.SESSION_DIR, '/srv/ws/.pi/sessions');
    assert.match(a.AGENT_GRPC_URL, /^unix:\/\/.+\/agent\.sock$/);
    assert.notEqual(a.AGENT_GRPC_URL, b.AGENT_GRPC_URL, 'two installs never share sockets');
    assert.ok(a.AGENT_GRPC_URL.length < 100, 'unix socket paths must stay under the 107-byte limit');
  });

  it('lets a flag beat the env var, in both --flag value and --flag=value forms', () => {
    assert.equal(loadConfig({ env: { ...base, PORT: '1234' }, argv: ['--port', '4000'] }).PORT, 4000);
    assert.equal(loadConfig({ env: { ...base, PORT: '1234' }, argv: ['--port=4001'] }).PORT, 4001);
    assert.equal(loadConfig({ env: { ...base, PORT: '1234' } }).PORT, 1234);
  });

  it('treats empty env values as unset', () => {
    assert.equal(loadConfig({ env: { ...base, PORT: '', UI_PASSWORD: '' } }).PORT, 3000);
    assert.equal(loadConfig({ env: { ...base, UI_PASSWORD: '' } }).UI_PASSWORD, undefined);
  });

  it('parses booleans from env and flags, including --no-flag', () => {
    assert.equal(loadConfig({ env: { ...base, TRUST_PROXY: 'YES' } }).TRUST_PROXY, true);
    assert.equal(loadConfig({ env: { ...base, TRUST_PROXY: 'on' }, argv: ['--no-trust-proxy'] }).TRUST_PROXY, false);
    assert.equal(loadConfig({ env: base, argv: ['--trust-proxy'] }).TRUST_PROXY, true);
    assert.equal(loadConfig({ env: base, argv: ['--trust-proxy', '--port', '9'] }).PORT, 9);
  });

  it('reads a sensitive flag from @file, trimmed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'key'), '  s3cret-key\n');
    assert.equal(loadConfig({ env: base, argv: ['--api-key', `@${join(dir, 'key')}`] }).API_KEY, 's3cret-key');
    writeFileSync(join(dir, 'empty'), '\n');
    assert.throws(() => loadConfig({ env: base, argv: ['--api-key', `@${join(dir, 'empty')}`] }), /is empty/);
    assert.throws(() => loadConfig({ env: base, argv: ['--api-key', `@${join(dir, 'missing')}`] }), /cannot read/);
    // env vars never @-expand (docs/compatibility.md#configuration)
    assert.equal(loadConfig({ env: { ...base, API_KEY: '@literal' } }).API_KEY, '@literal');
  });

  it('lets UI_PASSWORD_FILE win over UI_PASSWORD', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'pw'), 'from-file\n');
    assert.equal(loadConfig({ env: { ...base, UI_PASSWORD: 'from-env', UI_PASSWORD_FILE: join(dir, 'pw') } }).UI_PASSWORD, 'from-file');
  });

  it('with the sandbox on, needs numeric ids and refuses secrets from files (@file flags and *_FILE vars)', () => {
    const on = { ...base, AGENT_TOOL_SANDBOX_ENABLED: 'true', AGENT_TOOL_UID: '1001', AGENT_TOOL_GID: '1001' };
    const c = loadConfig({ env: on });
    assert.deepEqual(
      [c.AGENT_TOOL_SANDBOX_ENABLED, c.AGENT_TOOL_UID, c.AGENT_TOOL_GID, c.AGENT_TOOL_HOME],
      [true, 1001, 1001, '/home/pi-tools'],
    );
    assert.throws(() => loadConfig({ env: { ...on, AGENT_TOOL_UID: undefined } }), /needs a numeric AGENT_TOOL_UID/);
    assert.throws(() => loadConfig({ env: { ...on, AGENT_TOOL_GID: '-1' } }), /needs a numeric AGENT_TOOL_GID/);
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'pw'), 'from-file\n');
    assert.throws(
      () => loadConfig({ env: { ...on, UI_PASSWORD_FILE: join(dir, 'pw') } }),
      (e: unknown) => e instanceof ConfigError && /UI_PASSWORD_FILE/.test(e.message) && !e.message.includes('from-file'),
    );
    assert.throws(() => loadConfig({ env: { ...on, LDAP_BIND_PASSWORD_FILE: join(dir, 'pw') } }), /LDAP_BIND_PASSWORD_FILE/);
    assert.throws(
      () => loadConfig({ env: on, argv: ['--api-key', `@${join(dir, 'pw')}`] }),
      /refuses secrets read from files \(--api-key\)/,
    );
    // Off: the same forms work.
    assert.equal(loadConfig({ env: base, argv: ['--api-key', `@${join(dir, 'pw')}`] }).API_KEY, 'from-file');
  });

  it('names the variable when a value is bad', () => {
    assert.throws(
      () => loadConfig({ env: { ...base, PORT: 'eighty' } }),
      (e: unknown) => e instanceof ConfigError && /PORT must be a non-negative integer/.test(e.message),
    );
    assert.throws(() => loadConfig({ env: { ...base, PORT: '70000' } }), /PORT must be between 0 and 65535/);
    assert.throws(() => loadConfig({ env: { ...base, TRUST_PROXY: 'maybe' } }), /TRUST_PROXY must be a boolean/);
    assert.throws(() => loadConfig({ env: { ...base, LOG_LEVEL: 'loud' } }), /LOG_LEVEL must be one of/);
    assert.throws(() => loadConfig({ env: { ...base, AUTH_URL_LOGO: 'ftp://x' } }), /AUTH_URL_LOGO must be an http/);
    assert.throws(
      () => loadConfig({ env: { ...base, FORGE_LOCAL_ADMIN_USERNAME: 'ad min' } }),
      /FORGE_LOCAL_ADMIN_USERNAME must be 1\.\.256 characters/,
    );
    assert.throws(() => loadConfig({ env: { ...base, AUTH_COLOR_SCHEME: '#000,#111' } }), /AUTH_COLOR_SCHEME must be exactly 8/);
    assert.throws(
      () => loadConfig({ env: { ...base, AUTH_COLOR_SCHEME: '#000,#111,#222,#333,#444,#555,#666,red' } }),
      /AUTH_COLOR_SCHEME must be exactly 8/,
    );
    assert.deepEqual(
      loadConfig({ env: { ...base, AUTH_COLOR_SCHEME: '#000, #111,#222,#333,#444,#555,#666,#ABCDEF' } }).AUTH_COLOR_SCHEME.length,
      8,
    );
    assert.equal(
      loadConfig({ env: { ...base, FORGE_LOCAL_ADMIN_USERNAME: 'root.admin@site' } }).FORGE_LOCAL_ADMIN_USERNAME,
      'root.admin@site',
    );
  });

  it('falls back to the default for bounded values out of range (docs/compatibility.md#configuration)', () => {
    assert.equal(loadConfig({ env: { ...base, LOGIN_ATTEMPT_LIMIT_MAX: '5000' } }).LOGIN_ATTEMPT_LIMIT_MAX, 10);
    assert.equal(loadConfig({ env: { ...base, LOGIN_LOCKOUT_MS: '5' } }).LOGIN_LOCKOUT_MS, 300000);
  });

  it('rejects unknown flags, positional arguments and a missing value', () => {
    assert.throws(() => parseArgs(['--bogus']), /unknown flag --bogus/);
    assert.throws(() => parseArgs(['serve']), /unexpected argument "serve"/);
    assert.throws(() => parseArgs(['--port']), /--port needs a value/);
  });

  it('refuses a JWT_SECRET shorter than 32 characters without echoing it', () => {
    assert.throws(
      () => loadConfig({ env: { ...base, JWT_SECRET: 'short-secret-value' } }),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /JWT_SECRET must be at least 32 characters, got 18/);
        assert.ok(!err.message.includes('short-secret-value'));
        return true;
      },
    );
  });

  it('splits lists on commas and whitespace', () => {
    assert.deepEqual(loadConfig({ env: { ...base, CORS_ORIGIN: 'https://a.example, https://b.example  https://c.example' } }).CORS_ORIGIN, [
      'https://a.example',
      'https://b.example',
      'https://c.example',
    ]);
  });

  it('gives each child process only the settings it needs', () => {
    const jwtSecret = 'j'.repeat(32);
    const c = loadConfig({ env: { ...base, API_KEY: 'k', JWT_SECRET: jwtSecret, UI_PASSWORD: 'p', PATH: '/usr/bin' } });
    const gw = childEnvironment(c, 'gateway');
    assert.equal(gw.API_KEY, 'k');
    assert.equal(gw.JWT_SECRET, jwtSecret);
    for (const proc of ['agent', 'pty', 'workspace'] as const) {
      const env = childEnvironment(c, proc);
      for (const secret of ['API_KEY', 'JWT_SECRET', 'UI_PASSWORD', 'UI_PASSWORD_FILE'])
        assert.equal(env[secret], undefined, `${proc} got ${secret}`);
      assert.equal(env.PATH, '/usr/bin');
      assert.equal(env.WORKSPACE_PATH, c.WORKSPACE_PATH);
    }
    assert.equal(childEnvironment(c, 'pty').PTY_GRPC_URL, c.PTY_GRPC_URL);
    assert.equal(childEnvironment(c, 'pty').AGENT_GRPC_URL, undefined);
  });

  it('groups --help by category', () => {
    const text = helpText('pi-forge');
    const order = ['Network:', 'Paths:', 'Auth:', 'Features:', 'Rate limits:', 'Terminal:', 'Services:'].map((h) => text.indexOf(h));
    assert.ok(
      order.every((i) => i >= 0),
      'every category present',
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'categories in order',
    );
    assert.match(text, /--api-key <value\|@file>/);
  });
});
