import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATH_DENIED_PREFIX, resolveReal, ToolPathPolicy } from './tool-path-policy.js';

describe('ToolPathPolicy', () => {
  let root: string;
  let ws: string;
  let cfg: string;
  let data: string;
  let home: string;
  let policy: ToolPathPolicy;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'tool-path-policy-'));
    [ws, cfg, data, home] = ['workspace', 'pi-config', 'data', 'home'].map((d) => join(root, d));
    for (const d of [join(ws, 'p', 'src'), join(cfg, 'skills'), data, join(home, '.ssh'), join(root, 'outside')])
      mkdirSync(d, { recursive: true });
    writeFileSync(join(ws, 'p', 'src', 'a.ts'), 'x');
    writeFileSync(join(data, 'jwt-secret'), 's');
    writeFileSync(join(cfg, 'auth.json'), '{}');
    writeFileSync(join(root, 'outside', 'secret.txt'), 's');
    symlinkSync(join(root, 'outside'), join(ws, 'p', 'out-link'));
    symlinkSync(join(data, 'jwt-secret'), join(ws, 'p', 'secret-link'));
    symlinkSync(join(ws, 'p', 'src'), join(ws, 'p', 'src-link'));
    symlinkSync(join(root, 'outside', 'missing'), join(ws, 'p', 'dangling'));
    policy = await ToolPathPolicy.create({ workspace: ws, piConfigDir: cfg, forgeDataDir: data, homes: [home] });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const denied = async (p: string, why: RegExp) => {
    await assert.rejects(policy.check(p), (err: Error) => {
      assert.ok(err.message.startsWith(`${PATH_DENIED_PREFIX} `), err.message);
      assert.match(err.message, why);
      return true;
    });
  };

  it('allows the whole workspace, new files in it, links that stay inside, and the non-secret pi config', async () => {
    assert.equal(await policy.check(join(ws, 'p', 'src', 'a.ts')), join(ws, 'p', 'src', 'a.ts'));
    assert.equal(await policy.check(join(ws, 'other-project', 'new', 'file.txt')), join(ws, 'other-project', 'new', 'file.txt'));
    assert.equal(await policy.check(join(ws, 'p', 'src-link', 'a.ts')), join(ws, 'p', 'src', 'a.ts'));
    assert.equal(await policy.check(join(cfg, 'skills', 'x.md')), join(cfg, 'skills', 'x.md'));
    assert.equal(await policy.check(join(ws, 'p', 'src', '..', 'src', 'a.ts')), join(ws, 'p', 'src', 'a.ts'));
  });

  it('refuses the forge data dir, the secret pi config files, system places and credential folders', async () => {
    await denied(join(data, 'jwt-secret'), /protected location/);
    await denied(join(data, 'not-yet'), /protected location/);
    for (const f of ['auth.json', 'models.json', 'settings.json']) await denied(join(cfg, f), /protected location/);
    for (const p of ['/etc/passwd', '/proc/self/environ', '/run/secrets/x', '/var/run/secrets/kubernetes.io/token'])
      await denied(p, /protected location/);
    await denied(join(home, '.ssh', 'id_ed25519'), /protected location/);
    await denied(join(home, '.aws', 'credentials'), /protected location/);
  });

  it('refuses traversal and symlink escapes by what the path really names', async () => {
    await denied(join(ws, 'p', '..', '..', 'outside', 'secret.txt'), /is outside the workspace/);
    await denied(join(ws, 'p', 'out-link', 'secret.txt'), /leads outside the workspace/);
    await denied(join(ws, 'p', 'out-link', 'new-file'), /leads outside the workspace/);
    await denied(join(ws, 'p', 'secret-link'), /protected location/);
    await denied(join(ws, 'p', 'dangling'), /symlink to a missing target/);
    await denied('/', /outside the workspace/);
    assert.equal(await policy.allows(join(ws, 'p', 'out-link')), false);
    assert.equal(await policy.allows(join(ws, 'p')), true);
  });

  it('resolveReal resolves the nearest existing parent of a missing path', async () => {
    assert.equal(await resolveReal(join(ws, 'p', 'src-link', 'x', 'y')), join(ws, 'p', 'src', 'x', 'y'));
  });
});
