import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { BackupFileChange } from '@pi-forge/proto/agent';
import { ConfigFiles } from '../provider-config/config-files.js';
import { ConfigBackupService } from './config-backup.service.js';
import { RestoredFiles } from './restored-files.js';

const file = (name: string, text: string, mode = 0o644) => ({ name, content: Buffer.from(text), mode });
const code = (err: unknown) => JSON.parse((err as { getError(): { message: string } }).getError().message).error as string;

describe('ConfigBackupService (agent)', () => {
  let base: string;
  let pi: string;
  let data: string;
  let service: ConfigBackupService;
  const restored: string[][] = [];

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'config-backup-'));
    pi = join(base, 'pi');
    data = join(base, 'data');
    mkdirSync(pi);
    mkdirSync(data);
    const config = { PI_CONFIG_DIR: pi, FORGE_DATA_DIR: data } as ForgeConfig;
    const notify = new RestoredFiles();
    notify.subscribe((names) => restored.push([...names]));
    service = new ConfigBackupService(config, new ConfigFiles(config), notify);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('exports the named files that exist, from the right folder, with their modes; links are not followed', async () => {
    writeFileSync(join(pi, 'settings.json'), '{"a":1}');
    chmodSync(join(pi, 'settings.json'), 0o600);
    writeFileSync(join(data, 'mcp.json'), '{"servers":{}}');
    symlinkSync('/etc/hostname', join(data, 'theme.json'));
    const files = await service.exportFiles(['settings.json', 'mcp.json', 'theme.json', 'models.json'], false);
    assert.deepEqual(
      files.map((f) => [f.name, Buffer.from(f.content).toString(), f.mode]),
      [
        ['settings.json', '{"a":1}', 0o600],
        ['mcp.json', '{"servers":{}}', 0o644],
      ],
    );
    rmSync(join(data, 'theme.json'));
    await assert.rejects(service.exportFiles(['jwt-secret'], false), (e) => code(e) === 'invalid_archive');
  });

  it('validates every file before writing any: one bad file and nothing is written', async () => {
    const res = await service.importFiles(
      [
        file('models.json', '{"providers":{}}'),
        file('quick-actions.json', '{}'),
        file('auth.json', '{"x":"not an object"}'),
        file('webhooks.json', '[{"url":"file:///etc/passwd"}]'),
        file('tool-overrides.json', '{"a":{"__proto__":{}}}'),
        file('skills-overrides.json', '{"projects":{"p":{"enable":"all"}}}'),
        file('skills/../x.md', '#'),
        file('password-hash', 'x'),
        file('mcp.json', '{"servers":{"a__b":{"url":"file:///etc"}}}'),
      ],
      false,
    );
    assert.deepEqual(
      res.errors!.map((e) => e.name),
      ['quick-actions.json', 'auth.json', 'webhooks.json', 'tool-overrides.json', 'skills-overrides.json', 'skills/../x.md', 'mcp.json'],
    );
    assert.deepEqual(
      res.skipped!.map((s) => s.name),
      ['password-hash'],
    );
    assert.deepEqual(res.outcomes, []);
    assert.ok(!existsSync(join(pi, 'models.json')));
    assert.ok(!existsSync(join(data, 'password-hash')));
  });

  it('a dry run reports added / changed / unchanged and writes nothing', async () => {
    const before = readdirSync(pi).concat(readdirSync(data));
    const res = await service.importFiles(
      [
        file('settings.json', '{"a":1}'),
        file('mcp.json', '{"servers":{"x":{"url":"http://127.0.0.1:1/mcp"}}}'),
        file('theme.json', '{}'),
        file('skills/a/SKILL.md', '# a'),
      ],
      true,
    );
    assert.deepEqual(
      res.outcomes!.map((o) => [o.name, o.change]),
      [
        ['settings.json', BackupFileChange.BACKUP_FILE_CHANGE_UNCHANGED],
        ['mcp.json', BackupFileChange.BACKUP_FILE_CHANGE_CHANGED],
        ['theme.json', BackupFileChange.BACKUP_FILE_CHANGE_ADDED],
        ['skills/a/SKILL.md', BackupFileChange.BACKUP_FILE_CHANGE_ADDED],
      ],
    );
    assert.deepEqual(readdirSync(pi).concat(readdirSync(data)), before);
  });

  it('writes a valid set with the modes of §7.2 (0600 for secret files), skills under skills/, and tells the listeners', async () => {
    restored.length = 0;
    const res = await service.importFiles(
      [
        file('auth.json', '{"p":{"type":"api_key","key":"k"}}', 0o777),
        file('theme.json', '{"enabled":false}', 0o777),
        file('quick-actions.json', '[]'),
        file('skills/a/run.sh', 'echo', 0o755),
        file('skills/a/SKILL.md', '# a', 0o666),
      ],
      false,
    );
    assert.deepEqual(res.errors, []);
    assert.equal(statSync(join(pi, 'auth.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(data, 'quick-actions.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(data, 'theme.json')).mode & 0o077, 0o044 & ~process.umask() & 0o077);
    assert.equal(statSync(join(pi, 'skills/a/run.sh')).mode & 0o777, 0o755);
    assert.equal(statSync(join(pi, 'skills/a/SKILL.md')).mode & 0o777, 0o644);
    assert.equal(readFileSync(join(pi, 'auth.json'), 'utf8'), '{"p":{"type":"api_key","key":"k"}}');
    assert.deepEqual(restored, [['auth.json', 'theme.json', 'quick-actions.json', 'skills/a/run.sh', 'skills/a/SKILL.md']]);
    assert.deepEqual(
      readdirSync(data).filter((n) => n.endsWith('.tmp')),
      [],
      'no temp files left',
    );
  });

  it('skills export: every regular file, 409-style error when empty', async () => {
    const names = (await service.exportSkills()).map((f) => f.name);
    assert.deepEqual(names, ['a/SKILL.md', 'a/run.sh']);
    rmSync(join(pi, 'skills'), { recursive: true });
    await assert.rejects(service.exportSkills(), (e) => code(e) === 'skills_directory_empty');
  });

  it('skills import skips unsafe paths and paths through links, overwrites existing files', async () => {
    mkdirSync(join(pi, 'skills'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    symlinkSync(join(base, 'outside'), join(pi, 'skills', 'link'));
    writeFileSync(join(pi, 'skills', 'keep.md'), 'old');
    const res = await service.importSkills([
      file('keep.md', 'new'),
      file('/abs.md', 'x'),
      file('a/../../x.md', 'x'),
      file('link/x.md', 'x'),
      file('deep/er/x.md', 'x'),
      file('keep.md', 'again'),
    ]);
    assert.deepEqual(res.imported, ['keep.md', 'deep/er/x.md']);
    assert.deepEqual(
      res.skipped!.map((s) => s.name),
      ['/abs.md', 'a/../../x.md', 'link/x.md', 'keep.md'],
    );
    assert.equal(readFileSync(join(pi, 'skills', 'keep.md'), 'utf8'), 'new');
    assert.deepEqual(readdirSync(join(base, 'outside')), []);
  });
});
