// Hostile archives through the HTTP API (docs/backup.md#hostile-archives): each one is refused with
// a clear 4xx and the data folders are byte-for-byte what they were. Also the skills routes: round
// trip, folder mode with unsafe paths skipped, symbolic links neither followed out nor written through.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeStackDirs, runDocExample, startStack, type Stack, type StackDirs } from '@pi-forge/test-fixtures';
import { fingerprint, makeTarGz, postFiles, readTarGz, type Member } from './backup-support.js';

const API_KEY = 'test-key-backup-hostile-0123456789';
const MiB = 1024 * 1024;

describe('hostile backup archives and the skills routes', () => {
  let stack: Stack;
  let dirs: StackDirs;
  let skills: string;
  let outside: string;
  const snapshot = () => fingerprint(dirs.data, dirs.piConfig, outside);

  before(async () => {
    dirs = makeStackDirs();
    skills = join(dirs.piConfig, 'skills');
    outside = join(dirs.root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'outside the skills folder\n');
    writeFileSync(join(dirs.piConfig, 'settings.json'), '{"defaultModel":"kept"}\n');
    stack = await startStack({ name: 'config-backup-hostile', dirs, env: { API_KEY } });
  });
  after(async () => {
    await stack?.dispose();
  });

  const hostile: [string, () => Promise<Buffer>, number, string, 'config-only'?][] = [
    ['an absolute path', () => makeTarGz([{ name: '/tmp/settings.json', content: '{}' }]), 400, 'invalid_archive'],
    ['a ".." path', () => makeTarGz([{ name: '../outside/settings.json', content: '{}' }]), 400, 'invalid_archive'],
    ['a nested ".." path', () => makeTarGz([{ name: 'skills/../../outside/x.md', content: 'x' }]), 400, 'invalid_archive'],
    ['a symlink', () => makeTarGz([{ name: 'settings.json', type: 'symlink', linkname: '/etc/passwd' }]), 400, 'invalid_archive'],
    ['a hard link', () => makeTarGz([{ name: 'models.json', type: 'link', linkname: 'settings.json' }]), 400, 'invalid_archive'],
    ['a device', () => makeTarGz([{ name: 'mcp.json', type: 'character-device' }]), 400, 'invalid_archive'],
    ['a fifo', () => makeTarGz([{ name: 'mcp.json', type: 'fifo' }]), 400, 'invalid_archive'],
    [
      'a duplicate name',
      () =>
        makeTarGz([
          { name: 'settings.json', content: '{"a":1}' },
          { name: './settings.json', content: '{"a":2}' },
        ]),
      400,
      'invalid_archive',
    ],
    [
      'a member over 16 MiB',
      () => makeTarGz([{ name: 'settings.json', content: Buffer.alloc(17 * MiB, 0x20) }]),
      413,
      'archive_too_large',
      'config-only', // a skill asset may be up to 50 MiB
    ],
    [
      'a decompression bomb (60 MiB of zeros in a few hundred KB)',
      () => makeTarGz([0, 1, 2, 3, 4].map((i) => ({ name: `pad-${i}.json`, content: Buffer.alloc(12 * MiB, 0x20) }))),
      413,
      'archive_too_large',
    ],
    [
      'more than 5000 members',
      () => makeTarGz(Array.from({ length: 5001 }, (_, i): Member => ({ name: `f${i}.json`, content: '{}' }))),
      413,
      'archive_too_large',
    ],
    ['not gzip', async () => Buffer.from('plain text, not an archive'), 400, 'invalid_archive'],
    ['gzip of garbage', async () => gzipSync(Buffer.alloc(2048, 0x41)), 400, 'invalid_archive'],
  ];

  for (const [what, build, status, error, scope] of hostile) {
    it(`config import refuses ${what} and changes nothing`, async () => {
      const data = await build();
      assert.ok(data.length < 5 * MiB, 'the archive itself fits the upload limit');
      const before = snapshot();
      for (const dryRun of ['?dryRun=true', '']) {
        const res = await postFiles(stack, `/config/import${dryRun}`, [{ name: 'evil.tar.gz', data }]);
        assert.deepEqual([res.status, res.body.error], [status, error], JSON.stringify(res.body));
        assert.equal(typeof res.body.message, 'string');
      }
      assert.deepEqual(snapshot(), before);
    });

    if (scope === 'config-only') continue;
    it(`skills import refuses ${what} and changes nothing`, async () => {
      const data = await build();
      const before = snapshot();
      const res = await postFiles(stack, '/config/skills/import', [{ name: 'evil.tgz', data }]);
      assert.deepEqual([res.status, res.body.error], [status, error], JSON.stringify(res.body));
      assert.deepEqual(snapshot(), before);
    });
  }

  it('skills export: 409 when empty, then a round trip gives the same files', async () => {
    const empty = await stack.api('/api/v1/config/skills/export');
    assert.deepEqual([empty.status, ((await empty.json()) as any).error], [409, 'skills_directory_empty']);
    mkdirSync(join(skills, 'lint', 'assets'), { recursive: true });
    writeFileSync(join(skills, 'lint', 'SKILL.md'), '---\nname: lint\ndescription: Lints\n---\nRun the linter.\n');
    writeFileSync(join(skills, 'lint', 'assets', 'rules.json'), '{"max":1}');
    writeFileSync(join(skills, 'solo.md'), '# solo skill\n');
    symlinkSync(outside, join(skills, 'escape'));
    symlinkSync(join(outside, 'secret.txt'), join(skills, 'leak.md'));

    const res = await stack.api('/api/v1/config/skills/export');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/gzip');
    assert.match(res.headers.get('content-disposition') ?? '', /filename="pi-forge-skills-[\dT-]+Z\.tar\.gz"/);
    assert.equal(res.headers.get('x-pi-forge-file-count'), '3');
    const data = Buffer.from(await res.arrayBuffer());
    const names = (await readTarGz(data)).map((m) => m.name).sort();
    assert.deepEqual(names, ['lint/SKILL.md', 'lint/assets/rules.json', 'solo.md'], 'links are not followed out of skills/');
    assert.ok(!data.includes(Buffer.from('outside the skills folder')));

    const before = Object.fromEntries(names.map((n) => [n, readFileSync(join(skills, n))]));
    rmSync(join(skills, 'lint'), { recursive: true });
    rmSync(join(skills, 'solo.md'));
    const imported = await postFiles(stack, '/config/skills/import', [{ name: 'skills.tar.gz', data }]);
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual(imported.body.imported.sort(), names);
    assert.deepEqual(imported.body.skipped, []);
    for (const n of names) assert.ok(readFileSync(join(skills, n)).equals(before[n]), n);
  });

  it('skills folder mode: relative paths written, absolute / ".." / through-a-link paths skipped', async () => {
    const res = await postFiles(stack, '/config/skills/import', [
      { name: 'fresh/SKILL.md', data: '---\nname: fresh\ndescription: New\n---\n' },
      { name: 'solo.md', data: '# overwritten\n' },
      { name: '/etc/evil.md', data: 'x' },
      { name: '../outside/evil.md', data: 'x' },
      { name: 'escape/evil.md', data: 'x' },
    ]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.imported.sort(), ['fresh/SKILL.md', 'solo.md']);
    const skipped = Object.fromEntries(res.body.skipped.map((s: any) => [s.name, s.reason]));
    assert.match(skipped['/etc/evil.md'], /absolute/);
    assert.match(skipped['../outside/evil.md'], /\.\./);
    assert.match(skipped['escape/evil.md'], /symbolic link/);
    assert.equal(readFileSync(join(skills, 'solo.md'), 'utf8'), '# overwritten\n');
    assert.ok(!existsSync(join(outside, 'evil.md')));
    assert.ok(!existsSync('/etc/evil.md'));
  });

  it('skills folder mode refuses a part over 50 MB with 413 file_too_large', async () => {
    const before = snapshot();
    const res = await postFiles(stack, '/config/skills/import', [{ name: 'big/asset.bin', data: Buffer.alloc(50 * MiB + 1, 1) }]);
    assert.deepEqual([res.status, res.body.error], [413, 'file_too_large']);
    assert.deepEqual(snapshot(), before);
  });

  it('the docs example exports and imports skills with curl', async () => {
    const run = await runDocExample('backup/skills', { PI_FORGE_URL: stack.baseUrl, PI_FORGE_API_KEY: API_KEY });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"imported":\["notes\/SKILL.md"\]/);
    assert.ok(existsSync(join(skills, 'notes', 'SKILL.md')));
  });
});
