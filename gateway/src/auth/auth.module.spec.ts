// The start-up warning for an open gateway listening beyond loopback.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import { loadConfig } from '@pi-forge/runtime';
import type { AuthGate } from './auth-gate.js';
import { AuthModule } from './auth.module.js';

function warnings(host: string, authEnabled: boolean): string[] {
  const seen: string[] = [];
  const logger = { warn: (...args: unknown[]) => seen.push(String(args.at(-1))) } as unknown as Logger;
  const config = loadConfig({ env: { HOME: '/nonexistent', HOST: host } });
  new AuthModule(config, logger, { enabled: authEnabled } as AuthGate).onModuleInit();
  return seen;
}

describe('AuthModule start-up', () => {
  it('warns when auth is off and the host is not loopback', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'forge.example.test']) {
      assert.equal(warnings(host, false).length, 1, host);
      assert.match(warnings(host, false)[0], /auth is off/);
    }
  });

  it('stays quiet on loopback or with auth on', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) assert.deepEqual(warnings(host, false), [], host);
    assert.deepEqual(warnings('0.0.0.0', true), []);
  });
});
