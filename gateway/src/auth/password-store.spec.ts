// The stored password over a temp data folder: which hashes verify, and which get replaced.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import argon2 from 'argon2';
import { createLogger, loadConfig } from '@pi-forge/runtime';
import { PasswordStore, secretsEqual } from './password-store.js';

function withStore(env: Record<string, string>, run: (store: PasswordStore, file: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-password-spec-'));
    try {
      const store = new PasswordStore(loadConfig({ env: { HOME: dir, FORGE_DATA_DIR: dir, ...env } }), createLogger('spec', 'silent'));
      await run(store, join(dir, 'password-hash'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('PasswordStore', () => {
  it(
    'uses UI_PASSWORD until a hash exists, then only the hash',
    withStore({ UI_PASSWORD: 'env-password' }, async (store, file) => {
      assert.deepEqual(await store.verify('env-password'), { ok: true, source: 'env' });
      assert.deepEqual(await store.verify('env-passwor'), { ok: false, reason: 'mismatch' });
      await store.store('stored-password');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(await store.verify('env-password'), { ok: false, reason: 'mismatch' });
      assert.deepEqual(await store.verify('stored-password'), { ok: true, source: 'hash' });
    }),
  );

  it('turns auth on from a stored hash alone (no UI_PASSWORD)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-password-spec-'));
    try {
      writeFileSync(
        join(dir, 'password-hash'),
        await argon2.hash('only-in-the-hash', { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 }),
      );
      const store = new PasswordStore(loadConfig({ env: { HOME: dir, FORGE_DATA_DIR: dir } }), createLogger('spec', 'silent'));
      assert.equal(store.configured, true);
      assert.deepEqual(await store.verify('only-in-the-hash'), { ok: true, source: 'hash' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    'reports not_configured with neither',
    withStore({}, async (store) => {
      assert.equal(store.configured, false);
      assert.deepEqual(await store.verify('anything'), { ok: false, reason: 'not_configured' });
    }),
  );

  it(
    'upgrades a scrypt hash (original pi-forge) and a weaker argon2id hash; keeps a stronger one',
    withStore({}, async (store, file) => {
      const salt = randomBytes(16);
      writeFileSync(
        file,
        `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync('old', salt, 64, { N: 16384, r: 8, p: 1 }).toString('base64')}`,
      );
      assert.deepEqual(await store.verify('wrong'), { ok: false, reason: 'mismatch' });
      assert.match(readFileSync(file, 'utf8'), /^scrypt\$/, 'a failed login changes nothing');
      assert.deepEqual(await store.verify('old'), { ok: true, source: 'hash' });
      assert.match(readFileSync(file, 'utf8'), /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);

      writeFileSync(file, await argon2.hash('weak', { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 }));
      assert.deepEqual(await store.verify('weak'), { ok: true, source: 'hash' });
      assert.match(readFileSync(file, 'utf8'), /m=19456,p=1,t=2/);

      const strong = await argon2.hash('strong', { type: argon2.argon2id, memoryCost: 32768, timeCost: 3, parallelism: 1 });
      writeFileSync(file, strong);
      assert.deepEqual(await store.verify('strong'), { ok: true, source: 'hash' });
      assert.equal(readFileSync(file, 'utf8'), strong);
    }),
  );

  it(
    'matches nothing against a malformed hash',
    withStore({ UI_PASSWORD: 'env-password' }, async (store, file) => {
      for (const junk of ['plaintext', 'scrypt$x$8$1$AAAA$BBBB', 'scrypt$16384$8$1$$', '$argon2id$v=19$garbage']) {
        writeFileSync(file, junk);
        assert.deepEqual(await store.verify('env-password'), { ok: false, reason: 'mismatch' }, junk);
        assert.deepEqual(await store.verify(junk), { ok: false, reason: 'mismatch' }, junk);
      }
    }),
  );

  it('compares secrets of any length', () => {
    assert.equal(secretsEqual('a', 'a'), true);
    assert.equal(secretsEqual('a', 'ab'), false);
    assert.equal(secretsEqual('', 'x'), false);
  });
});
