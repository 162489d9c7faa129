// Session tokens with the real passport-jwt check: what verifies, and the inactivity timeout on a fake clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { createLogger, loadConfig } from '@pi-forge/runtime';
import { PasswordStore } from './password-store.js';
import { SessionActivity } from './session-activity.js';
import { TokenService } from './token.service.js';

const SECRET = 'token-spec-secret-0123456789abcdef0123456789';

async function build(env: Record<string, string> = {}) {
  const config = loadConfig({ env: { HOME: '/nonexistent', FORGE_DATA_DIR: '/nonexistent/data', JWT_SECRET: SECRET, ...env } });
  const logger = createLogger('spec', 'silent');
  const activity = new SessionActivity(config);
  const tokens = new TokenService(config, logger, new PasswordStore(config, logger), activity);
  await tokens.onModuleInit();
  return { tokens, activity };
}

describe('TokenService', () => {
  it('verifies its own tokens (with the restricted flag) and nothing else', async () => {
    const { tokens } = await build({ JWT_EXPIRES_IN_SECONDS: '120' });
    const { token, expiresAt } = tokens.issue(true);
    const inTwoMinutes = Date.now() + 120_000;
    assert.ok(Math.abs(Date.parse(expiresAt) - inTwoMinutes) < 2_000);
    assert.equal((await tokens.verify(token))?.mustChangePassword, true);
    assert.equal((await tokens.verify(tokens.issue(false).token))?.mustChangePassword, false);
    const forged = [
      jwt.sign({ mustChangePassword: false }, SECRET, { algorithm: 'HS384', subject: 'ui-user' }),
      jwt.sign({ mustChangePassword: false }, SECRET, { algorithm: 'HS256' }),
      jwt.sign({ mustChangePassword: false }, 'x'.repeat(40), { algorithm: 'HS256', subject: 'ui-user' }),
      jwt.sign({ mustChangePassword: false, exp: Math.floor(Date.now() / 1000) - 1 }, SECRET, { algorithm: 'HS256', subject: 'ui-user' }),
      'not.a.token',
      '',
    ];
    for (const t of forged) assert.equal(await tokens.verify(t), undefined, t);
  });

  it('without a key (API-key-only auth) issues nothing and verifies nothing', async () => {
    const config = loadConfig({ env: { HOME: '/nonexistent', FORGE_DATA_DIR: '/nonexistent/data', API_KEY: 'k'.repeat(32) } });
    const logger = createLogger('spec', 'silent');
    const tokens = new TokenService(config, logger, new PasswordStore(config, logger), new SessionActivity(config));
    await tokens.onModuleInit();
    assert.equal(tokens.enabled, false);
    assert.throws(() => tokens.issue(false));
    assert.equal(await tokens.verify(jwt.sign({}, SECRET, { subject: 'ui-user' })), undefined);
  });

  it('ends a session idle past LOGIN_INACTIVITY_TIMEOUT_SECONDS; only mutations count as activity', async () => {
    const { tokens, activity } = await build({ LOGIN_INACTIVITY_TIMEOUT_SECONDS: '60' });
    let now = Date.now();
    activity.now = () => now;
    const { token } = tokens.issue(false);
    now += 50_000;
    assert.ok(await tokens.verify(token, false), 'a read at 50 s');
    now += 50_000;
    assert.equal(await tokens.verify(token, false), undefined, 'reads did not keep it alive: idle 100 s');

    const second = tokens.issue(false).token;
    now += 50_000;
    assert.ok(await tokens.verify(second, true), 'a mutation at 50 s');
    now += 50_000;
    assert.ok(await tokens.verify(second, false), 'alive 50 s after the mutation');
    now += 20_000;
    assert.equal(await tokens.verify(second, true), undefined, 'idle 70 s: gone, and a mutation cannot revive it');
  });

  it('has no idle limit by default', async () => {
    const { tokens, activity } = await build();
    let now = Date.now();
    activity.now = () => now;
    const { token } = tokens.issue(false);
    now += 3 * 24 * 3600_000;
    assert.ok(await tokens.verify(token));
  });
});
