// The terminal upgrade check with the real auth classes over a temp data folder: credentials from the
// header, ?ticket= and ?token=, restricted tokens, and the Origin policy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, loadConfig } from '@pi-forge/runtime';
import { OriginPolicy } from '../common/cors.js';
import { HostPolicy } from '../common/host-policy.js';
import { AuthFailureThrottle } from './auth-failure-throttle.js';
import { AuthGate } from './auth-gate.js';
import { GateUpgradeAuthenticator } from './gate-upgrade-authenticator.js';
import { PasswordStore } from './password-store.js';
import { SessionActivity } from './session-activity.js';
import { TicketStore } from './ticket-store.js';
import { TokenService } from './token.service.js';

const API_KEY = 'upgrade-spec-api-key-0123456789';

async function build(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'forge-upgrade-spec-'));
  const config = loadConfig({ env: { HOME: dir, FORGE_DATA_DIR: dir, ...env } });
  const logger = createLogger('spec', 'silent');
  const passwords = new PasswordStore(config, logger);
  const tokens = new TokenService(config, logger, passwords, new SessionActivity(config));
  await tokens.onModuleInit();
  const tickets = new TicketStore(config);
  const gate = new AuthGate(config, passwords, tokens, tickets, new AuthFailureThrottle(config, logger));
  const origins = new OriginPolicy(config);
  const auth = new GateUpgradeAuthenticator(gate, origins, new HostPolicy(config, gate, origins));
  return { auth, tokens, tickets, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const upgrade = (url: string, headers: Record<string, string> = {}) =>
  ({ url, headers: { host: '127.0.0.1:3000', ...headers } }) as unknown as IncomingMessage;

const OK = { ok: true };
const AUTH = { ok: false, reason: 'auth_required' };
const ORIGIN = { ok: false, reason: 'origin_not_allowed' };

describe('GateUpgradeAuthenticator', () => {
  it('takes the header, ?ticket= (once) and ?token= (JWT or API key); refuses the rest', async () => {
    const { auth, tokens, tickets, cleanup } = await build({ UI_PASSWORD: 'spec-password', API_KEY, CORS_ORIGIN: 'https://good.test' });
    try {
      const jwt = tokens.issue(false).token;
      assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal?projectId=p')), AUTH);
      assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal', { authorization: `Bearer ${API_KEY}` })), OK);
      assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal', { authorization: `Bearer ${jwt}` })), OK);
      assert.deepEqual(await auth.authorize(upgrade(`/api/v1/terminal?token=${encodeURIComponent(jwt)}`)), OK);
      assert.deepEqual(await auth.authorize(upgrade(`/api/v1/terminal?token=${API_KEY}`)), OK);
      assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal?token=garbage')), AUTH);
      assert.deepEqual(await auth.authorize(upgrade(`/api/v1/terminal?token=${tokens.issue(true).token}`)), AUTH, 'restricted token');
      const { ticket } = tickets.issue();
      assert.deepEqual(await auth.authorize(upgrade(`/api/v1/terminal?projectId=p&ticket=${ticket}`)), OK);
      assert.deepEqual(await auth.authorize(upgrade(`/api/v1/terminal?projectId=p&ticket=${ticket}`)), AUTH, 'a ticket works once');
    } finally {
      cleanup();
    }
  });

  it('checks Origin against the pinned CORS origins before anything else', async () => {
    const { auth, cleanup } = await build({ API_KEY, CORS_ORIGIN: 'https://good.test,https://other.test' });
    try {
      const withKey = (origin?: string) =>
        upgrade('/api/v1/terminal', { authorization: `Bearer ${API_KEY}`, ...(origin ? { origin } : {}) });
      assert.deepEqual(await auth.authorize(withKey('https://evil.test')), ORIGIN);
      assert.deepEqual(await auth.authorize(withKey('null')), ORIGIN);
      assert.deepEqual(await auth.authorize(withKey('https://good.test')), OK);
      assert.deepEqual(await auth.authorize(withKey('https://other.test')), OK);
      assert.deepEqual(await auth.authorize(withKey('http://127.0.0.1:3000')), OK, "the gateway's own web app is same-origin");
      assert.deepEqual(await auth.authorize(withKey()), OK, 'no Origin: not a browser');
    } finally {
      cleanup();
    }
  });

  it('with auth off, lets any upgrade in but still applies a pinned origin', async () => {
    const { auth, cleanup } = await build({ CORS_ORIGIN: 'https://good.test' });
    try {
      assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal')), OK);
      assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal', { origin: 'https://evil.test' })), ORIGIN);
    } finally {
      cleanup();
    }
  });

  it('with CORS_ORIGIN unset, takes only its own, loopback and ALLOWED_HOSTS origins, auth on or off', async () => {
    for (const env of [{ API_KEY }, {}] as Record<string, string>[]) {
      const { auth, cleanup } = await build({ ...env, ALLOWED_HOSTS: 'forge.lan' });
      try {
        const headers = (origin: string) => ({ origin, ...(env.API_KEY ? { authorization: `Bearer ${API_KEY}` } : {}) });
        assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal', headers('https://anywhere.test'))), ORIGIN);
        assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal', headers('null'))), ORIGIN);
        assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal', headers('http://127.0.0.1:3000'))), OK);
        assert.deepEqual(
          await auth.authorize(upgrade('/api/v1/terminal', headers('http://localhost:5173'))),
          OK,
          'a dev server on loopback',
        );
        assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal', headers('https://forge.lan'))), OK);
      } finally {
        cleanup();
      }
    }
  });

  it('admits an upgrade with auth off only for a known Host, and throttles an IP that keeps failing', async () => {
    const open = await build({});
    try {
      assert.deepEqual(open.auth.admit(upgrade('/api/v1/terminal'), '127.0.0.1'), { ok: true });
      const rebound = open.auth.admit(upgrade('/api/v1/terminal', { host: 'evil.test:3000' }), '127.0.0.1');
      assert.equal(rebound.ok === false && rebound.status, 421);
    } finally {
      open.cleanup();
    }
    const { auth, cleanup } = await build({ API_KEY, RATE_LIMIT_AUTH_FAILURE_MAX: '3' });
    try {
      for (let i = 0; i < 3; i++) assert.deepEqual(await auth.authorize(upgrade('/api/v1/terminal?token=wrong'), '10.0.0.9'), AUTH);
      const refused = auth.admit(upgrade('/api/v1/terminal'), '10.0.0.9');
      assert.equal(refused.ok === false && refused.status, 429);
      assert.ok(refused.ok === false && Number(refused.headers['retry-after']) > 0);
      assert.deepEqual(auth.admit(upgrade('/api/v1/terminal'), '10.0.0.10'), { ok: true }, 'another IP is not affected');
    } finally {
      cleanup();
    }
  });
});
