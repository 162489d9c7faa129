// Config backup and restore from outside (docs/backup.md): export → wipe → import gives the same
// bytes and modes, a dry run changes nothing, invalid files refuse the whole import, and the
// multipart and query mistakes answer clear 4xx. Hostile archives: config-backup-hostile.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeStackDirs, runDocExample, seedProject, startStack, waitFor, type Stack, type StackDirs } from '@pi-forge/test-fixtures';
import { fingerprint, makeTarGz, postFiles, readTarGz } from './backup-support.js';

const API_KEY = 'test-key-backup-0123456789abcdef';
const SECRET = 'sk-backup-secret-0042';

describe('config backup and restore', () => {
  let stack: Stack;
  let dirs: StackDirs;
  /** name → [absolute path, mode] of every file the full export carries. */
  let seeded: Record<string, [string, number]>;

  const put = (path: string, text: string, mode: number) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    chmodSync(path, mode);
  };
  const exportArchive = async (query = '') => {
    const res = await stack.api(`/api/v1/config/export${query}`);
    return { res, data: Buffer.from(await res.arrayBuffer()) };
  };
  const fileState = () => Object.fromEntries(Object.entries(seeded).map(([n, [p]]) => [n, existsSync(p) ? readFileSync(p, 'utf8') : null]));

  before(async () => {
    dirs = makeStackDirs();
    const project = seedProject(dirs, 'backup-project');
    stack = await startStack({ name: 'config-backup', dirs, env: { API_KEY } });
    const d = (n: string) => join(dirs.data, n);
    const p = (n: string) => join(dirs.piConfig, n);
    seeded = {
      'mcp.json': [d('mcp.json'), 0o600],
      'settings.json': [p('settings.json'), 0o600],
      'models.json': [p('models.json'), 0o600],
      'skills-overrides.json': [d('skills-overrides.json'), 0o600],
      'tool-overrides.json': [d('tool-overrides.json'), 0o600],
      'theme.json': [d('theme.json'), 0o644],
      'quick-actions.json': [d('quick-actions.json'), 0o600],
      'auth.json': [p('auth.json'), 0o600],
      'webhooks.json': [d('webhooks.json'), 0o600],
      'prompts-overrides.json': [d('prompts-overrides.json'), 0o600],
      'projects.json': [d('projects.json'), 0o600],
      'skills/review/SKILL.md': [p('skills/review/SKILL.md'), 0o644],
      'skills/review/run.sh': [p('skills/review/run.sh'), 0o755],
    };
    const contents: Record<string, string> = {
      'mcp.json': JSON.stringify({ servers: { docs: { url: 'http://127.0.0.1:9/mcp', headers: { authorization: 'Bearer x' } } } }, null, 2),
      'settings.json': JSON.stringify({ defaultProvider: 'fake', defaultModel: 'm1', skills: ['!old'] }, null, 2),
      'models.json': JSON.stringify({ providers: { fake: { baseUrl: 'http://127.0.0.1:9/v1', api: 'openai-completions' } } }, null, 2),
      'skills-overrides.json': JSON.stringify({ projects: { [project.id]: { enable: ['review'], disable: [] } } }),
      'tool-overrides.json': JSON.stringify({ builtin: ['bash'], mcp: [], extension: [], projects: {} }),
      'theme.json': JSON.stringify({ enabled: true, colors: { appBackground: '#101010' } }),
      'quick-actions.json': JSON.stringify([{ id: 'qa1', name: 'Test', command: 'npm test' }]),
      'auth.json': JSON.stringify({ fake: { type: 'api_key', key: SECRET } }),
      'webhooks.json': JSON.stringify([
        { id: 'w1', name: 'ci', url: 'https://example.test/hook', events: ['run_finished'], enabled: true },
      ]),
      'prompts-overrides.json': JSON.stringify({ projects: {} }),
      'skills/review/SKILL.md': '---\nname: review\ndescription: Reviews code\n---\nReview the diff.\n',
      'skills/review/run.sh': '#!/bin/sh\necho review\n',
    };
    for (const [name, text] of Object.entries(contents)) put(seeded[name][0], text, seeded[name][1]);
    chmodSync(seeded['projects.json'][0], 0o600);
  });
  after(async () => {
    await stack?.dispose();
  });

  it('exports the contract default set only, without auth.json or projects.json, by default', async () => {
    const { res, data } = await exportArchive();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/gzip');
    assert.match(
      res.headers.get('content-disposition') ?? '',
      /^attachment; filename="pi-forge-config-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.tar\.gz"$/,
    );
    const listed = 'mcp.json,settings.json,models.json,skills-overrides.json,tool-overrides.json,theme.json,quick-actions.json';
    assert.equal(res.headers.get('x-pi-forge-files'), listed);
    assert.equal(res.headers.get('x-pi-forge-warning'), null);
    const members = await readTarGz(data);
    assert.deepEqual(
      members.map((m) => m.name),
      listed.split(','),
    );
    assert.ok(!data.includes(SECRET) && !members.some((m) => m.content.includes(SECRET)), 'no auth.json secret in a default export');
  });

  it('refuses an unknown opt-in with 400 validation_failed', async () => {
    const res = await stack.api('/api/v1/config/export?include=auth,jwt-secret');
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as any).error, 'validation_failed');
  });

  it('export with every opt-in → wipe → dry run (nothing written) → import: identical bytes and modes', async () => {
    const before = Object.fromEntries(Object.entries(seeded).map(([n, [p]]) => [n, readFileSync(p)]));
    const { res, data } = await exportArchive('?include=auth,projects,webhooks,skills,prompts-overrides');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('x-pi-forge-warning') ?? '', /auth\.json/);
    assert.deepEqual(
      res.headers.get('x-pi-forge-files')!.split(',').sort(),
      [...Object.keys(seeded).filter((n) => !n.startsWith('skills/')), 'skills/'].sort(),
    );
    const members = await readTarGz(data);
    assert.equal(members[0].name, 'WARNING.txt');
    assert.match(members[0].content.toString(), /API keys/);
    assert.deepEqual(
      members
        .filter((m) => m.name !== 'WARNING.txt')
        .map((m) => m.name)
        .sort(),
      Object.keys(seeded).sort(),
    );
    for (const m of members) if (seeded[m.name]) assert.equal(m.mode, seeded[m.name][1], `${m.name} mode in the archive`);

    for (const [path] of Object.values(seeded)) rmSync(path);
    rmSync(join(dirs.piConfig, 'skills'), { recursive: true });

    const dry = await postFiles(stack, '/config/import?dryRun=true', [{ name: 'backup.tar.gz', data }]);
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.dryRun, true);
    assert.deepEqual(dry.body.imported, []);
    assert.deepEqual(dry.body.errors, []);
    assert.deepEqual(
      dry.body.changes.map((c: any) => `${c.file}:${c.change}`).sort(),
      Object.keys(seeded)
        .map((n) => `${n}:added`)
        .sort(),
    );
    for (const [name, [path]] of Object.entries(seeded)) assert.ok(!existsSync(path), `${name} not written by the dry run`);

    const real = await postFiles(stack, '/config/import', [{ name: 'backup.tar.gz', data }]);
    assert.equal(real.status, 200, JSON.stringify(real.body));
    assert.deepEqual(real.body.imported.sort(), Object.keys(seeded).sort());
    assert.deepEqual([real.body.skipped, real.body.errors, real.body.dryRun], [[], [], false]);
    for (const [name, [path, mode]] of Object.entries(seeded)) {
      assert.ok(readFileSync(path).equals(before[name]), `${name} restored byte for byte`);
      assert.equal(statSync(path).mode & 0o777, mode, `${name} mode`);
    }
    // The restored files are the live ones: the registry, and the MCP servers (reloaded on restore).
    await waitFor(
      'the restored MCP server',
      async () => {
        const mcp = (await (await stack.api('/api/v1/mcp/servers')).json()) as { servers: Record<string, unknown> };
        return 'docs' in mcp.servers;
      },
      30_000,
    );

    const projects = (await (await stack.api('/api/v1/projects')).json()) as any;
    assert.equal((projects.projects ?? projects)[0].name, 'backup-project');
  });

  it('a dry run reports changed and unchanged files and writes nothing', async () => {
    const settings = seeded['settings.json'][0];
    writeFileSync(settings, '{"defaultModel":"edited"}');
    const { data } = await exportArchive();
    writeFileSync(settings, '{"defaultModel":"edited again"}');
    const dry = await postFiles(stack, '/config/import?dryRun=1', [{ name: 'b.tgz', data }]);
    assert.equal(dry.status, 200);
    const byFile = Object.fromEntries(dry.body.changes.map((c: any) => [c.file, c.change]));
    assert.equal(byFile['settings.json'], 'changed');
    assert.equal(byFile['mcp.json'], 'unchanged');
    assert.equal(readFileSync(settings, 'utf8'), '{"defaultModel":"edited again"}');
  });

  it('one invalid file refuses the whole import; unknown names are skipped, never written', async () => {
    const state = fileState();
    const jwt = fingerprint(join(dirs.data, 'jwt-secret'));
    const data = await makeTarGz([
      { name: 'settings.json', content: '{"defaultModel":"from-archive"}' },
      { name: 'quick-actions.json', content: '{"not":"an array"}' },
      { name: 'models.json', content: '{ broken json' },
      { name: 'theme.json', content: '{"__proto__":{"polluted":true}}' },
      { name: 'jwt-secret', content: 'attacker-chosen-secret-attacker-chosen-secret\n' },
      { name: 'notes.txt', content: 'hello' },
    ]);
    const res = await postFiles(stack, '/config/import', [{ name: 'b.tar.gz', data }]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.imported, []);
    assert.deepEqual(res.body.skipped.sort(), ['jwt-secret', 'notes.txt']);
    assert.deepEqual(res.body.errors.map((e: any) => e.file).sort(), ['models.json', 'quick-actions.json', 'theme.json']);
    assert.ok(res.body.errors.every((e: any) => typeof e.reason === 'string' && e.reason));
    assert.deepEqual(fileState(), state, 'nothing written');
    assert.deepEqual(fingerprint(join(dirs.data, 'jwt-secret')), jwt);
  });

  it('a projects list with a path outside WORKSPACE_PATH is refused and nothing is written', async () => {
    const state = fileState();
    const data = await makeTarGz([
      { name: 'settings.json', content: '{"defaultModel":"from-archive"}' },
      { name: 'projects.json', content: JSON.stringify([{ id: 'x', name: 'etc', path: '/etc', createdAt: new Date().toISOString() }]) },
    ]);
    const res = await postFiles(stack, '/config/import', [{ name: 'b.tar.gz', data }]);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.imported, []);
    assert.deepEqual(res.body.errors, [{ file: 'projects.json', reason: 'entry 0: the path is not inside WORKSPACE_PATH' }]);
    assert.deepEqual(fileState(), state);
  });

  it('bad multipart: no file, not multipart, too large, two files', async () => {
    const form = new FormData();
    form.append('note', 'no file here');
    const noFile = await stack.api('/api/v1/config/import', { method: 'POST', body: form });
    assert.deepEqual([noFile.status, ((await noFile.json()) as any).error], [400, 'no_file']);
    const json = await stack.api('/api/v1/config/import', { method: 'POST', json: { file: 'x' } });
    assert.deepEqual([json.status, ((await json.json()) as any).error], [400, 'invalid_multipart']);
    const big = await postFiles(stack, '/config/import', [{ name: 'big.tar.gz', data: Buffer.alloc(5 * 1024 * 1024 + 10, 1) }]);
    assert.deepEqual([big.status, big.body.error], [413, 'file_too_large']);
    const two = await postFiles(stack, '/config/import', [
      { name: 'a.tar.gz', data: 'a' },
      { name: 'b.tar.gz', data: 'b' },
    ]);
    assert.deepEqual([two.status, two.body.error], [413, 'too_many_files']);
    const skills = await stack.api('/api/v1/config/skills/import', { method: 'POST', json: {} });
    assert.deepEqual([skills.status, ((await skills.json()) as any).error], [400, 'invalid_multipart']);
  });

  it('never logs the exported or imported secrets', async () => {
    await stack.logsSettled();
    assert.ok(!stack.rawLog.some((l) => l.includes(SECRET)), 'auth.json key in a log line');
  });

  it('OpenAPI lists the four routes', async () => {
    const res = await stack.api('/api/docs/json');
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    assert.ok(doc.paths['/api/v1/config/export']?.get);
    assert.ok(doc.paths['/api/v1/config/import']?.post);
    assert.ok(doc.paths['/api/v1/config/skills/export']?.get);
    assert.ok(doc.paths['/api/v1/config/skills/import']?.post);
  });

  it('the docs example exports, dry-runs and imports with curl', async () => {
    const run = await runDocExample('backup/export-import', { PI_FORGE_URL: stack.baseUrl, PI_FORGE_API_KEY: API_KEY });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"dryRun":true/);
    assert.match(run.stdout, /"imported":\[[^\]]*"settings\.json"/);
    assert.match(run.stdout, /skills\/review\/SKILL\.md/);
  });
});
