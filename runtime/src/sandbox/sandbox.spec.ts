import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '../config/config.js';
import { readToolEnv, sandboxIdentity, SANDBOX_SETTINGS_FILE, toolEnvProblem, writeToolEnv } from './sandbox.js';

describe('sandbox settings', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives an identity only when enabled with both ids', () => {
    assert.equal(sandboxIdentity({ AGENT_TOOL_SANDBOX_ENABLED: false, AGENT_TOOL_UID: 1, AGENT_TOOL_GID: 1 } as ForgeConfig), undefined);
    assert.deepEqual(
      sandboxIdentity({ AGENT_TOOL_SANDBOX_ENABLED: true, AGENT_TOOL_UID: 7, AGENT_TOOL_GID: 8, AGENT_TOOL_HOME: '/h' } as ForgeConfig),
      { uid: 7, gid: 8, home: '/h', user: 'pi-tools' },
    );
  });

  it('accepts plain names and refuses secrets, bad names, non-strings, too many and too long', () => {
    assert.equal(toolEnvProblem({ A: '1', _b2: '' }), undefined);
    for (const bad of [
      null,
      [],
      'x',
      { API_KEY: 'x' },
      { JWT_SECRET: 'x' },
      { UI_PASSWORD: 'x' },
      { NODE_OPTIONS: 'x' },
      { '9A': 'x' },
      { 'A B': 'x' },
      { A: 1 },
      { A: 'é'.repeat(8193) },
      Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, ''])),
    ]) {
      assert.ok(toolEnvProblem(bad), JSON.stringify(bad).slice(0, 40));
    }
  });

  it('round-trips through a 0600 file and drops what a hand edit got wrong', async () => {
    assert.deepEqual(readToolEnv(dir), {});
    await writeToolEnv(dir, { A: '1' });
    assert.deepEqual(readToolEnv(dir), { A: '1' });
    assert.equal(statSync(join(dir, SANDBOX_SETTINGS_FILE)).mode & 0o777, 0o600);
    writeFileSync(join(dir, SANDBOX_SETTINGS_FILE), JSON.stringify({ toolEnv: { OK: 'y', API_KEY: 'leak', N: 5 } }));
    assert.deepEqual(readToolEnv(dir), { OK: 'y' });
    writeFileSync(join(dir, SANDBOX_SETTINGS_FILE), '{broken');
    assert.deepEqual(readToolEnv(dir), {});
  });
});
