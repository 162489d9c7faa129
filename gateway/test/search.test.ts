// Content search and @-completion (docs/compatibility.md#files-and-git): ripgrep when it is on PATH, the Node fallback
// when the stack starts with a PATH that has no rg. Two stacks, one per engine.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from '@pi-forge/test-fixtures';
import { createProject, expectError, git, jsonOf, type ProjectBody } from './files-support.js';

interface Match {
  path: string;
  line: number;
  column: number;
  length: number;
  lineSnippet: string;
}
interface Result {
  engine: string;
  truncated: boolean;
  matches: Match[];
}

function seed(root: string): void {
  mkdirSync(join(root, 'src', 'util'), { recursive: true });
  mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true });
  mkdirSync(join(root, '.hidden'), { recursive: true });
  writeFileSync(join(root, 'src', 'main.ts'), 'const a = 1;\nconst needle = "Needle";\n');
  writeFileSync(join(root, 'src', 'util', 'needle.ts'), 'export {}\n');
  writeFileSync(join(root, 'notes.md'), 'first line\n  the NEEDLE is here, needle twice\n--files is literal\n');
  writeFileSync(join(root, 'node_modules', 'dep', 'index.js'), 'needle in deps\n');
  writeFileSync(join(root, '.hidden', 'h.txt'), 'needle hidden\n');
  writeFileSync(join(root, 'bin.dat'), Buffer.concat([Buffer.from('needle'), Buffer.from([0, 1, 2])]));
  writeFileSync(join(root, 'ignored.log'), 'needle ignored\n');
  writeFileSync(join(root, '.gitignore'), '*.log\n');
  git(root, 'init', '-q', '-b', 'main');
}

function searchSuite(engine: 'ripgrep' | 'node', env: () => Record<string, string>): void {
  describe(`search with ${engine}`, () => {
    let stack: Stack;
    let p: ProjectBody;
    const search = (params: Record<string, string>) =>
      stack.api(`/api/v1/files/search?${new URLSearchParams({ projectId: p.id, ...params })}`);
    before(async () => {
      stack = await startStack({
        name: `search-${engine}`,
        env: { API_KEY: `test-key-search-${engine}`, RATE_LIMIT_SEARCH_MAX: '1000', ...env() },
      });
      p = await createProject(stack, 'proj');
      seed(p.path);
    });
    after(async () => stack?.dispose());

    it('finds fixed strings case-insensitively with 1-based positions', async () => {
      const r = await jsonOf<Result>(await search({ q: 'needle' }));
      assert.equal(r.engine, engine);
      assert.equal(r.truncated, false);
      const keys = r.matches.map((m) => `${m.path}:${m.line}:${m.column}`).sort();
      // The Node fallback does not read .gitignore (docs/compatibility.md#files-and-git); ripgrep does.
      const ignored = engine === 'node' ? ['ignored.log:1:1'] : [];
      assert.deepEqual(keys, ['notes.md:2:23', 'notes.md:2:7', 'src/main.ts:2:7', 'src/main.ts:2:17', ...ignored].sort());
      const m = r.matches.find((x) => x.path === 'notes.md' && x.column === 7)!;
      assert.equal(m.length, 6);
      assert.equal(m.lineSnippet, '  the NEEDLE is here, needle twice');
      assert.ok(!r.matches.some((x) => x.path.includes('node_modules') || x.path.includes('.hidden') || x.path === 'bin.dat'));
    });

    it('honours caseSensitive, include/exclude globs and the limit', async () => {
      const cs = await jsonOf<Result>(await search({ q: 'Needle', caseSensitive: '1' }));
      assert.deepEqual(
        cs.matches.map((m) => `${m.path}:${m.column}`),
        ['src/main.ts:17'],
      );
      const inc = await jsonOf<Result>(await search({ q: 'needle', include: '*.md' }));
      assert.deepEqual([...new Set(inc.matches.map((m) => m.path))], ['notes.md']);
      const exc = await jsonOf<Result>(await search({ q: 'needle', exclude: '*.md', include: '*.ts' }));
      assert.deepEqual([...new Set(exc.matches.map((m) => m.path))], ['src/main.ts']);
      const lim = await jsonOf<Result>(await search({ q: 'needle', limit: '2' }));
      assert.equal(lim.matches.length, 2);
      assert.equal(lim.truncated, true);
    });

    it('treats option-like queries as text', async () => {
      const r = await jsonOf<Result>(await search({ q: '--files' }));
      assert.deepEqual(
        r.matches.map((m) => `${m.path}:${m.line}:${m.column}`),
        ['notes.md:3:1'],
      );
    });

    it('refuses bad queries', async () => {
      await expectError(await search({ q: '' }), 400, 'validation_failed');
      await expectError(await search({ q: 'x', regex: 'maybe' }), 400, 'validation_failed');
      await expectError(await stack.api('/api/v1/files/search?projectId=nope&q=x'), 404, 'project_not_found');
    });

    if (engine === 'ripgrep') {
      it('runs regexes and reaches gitignored files on request', async () => {
        const re = await jsonOf<Result>(await search({ q: 'ne+dle\\s+tw', regex: 'true' }));
        assert.deepEqual(
          re.matches.map((m) => `${m.path}:${m.column}:${m.length}`),
          ['notes.md:23:9'],
        );
        const plain = await jsonOf<Result>(await search({ q: 'ignored' }));
        assert.deepEqual(plain.matches, []);
        const all = await jsonOf<Result>(await search({ q: 'ignored', includeGitignored: '1' }));
        assert.deepEqual(
          all.matches.map((m) => m.path),
          ['ignored.log'],
        );
        await expectError(await search({ q: '(unclosed', regex: '1' }), 400, 'invalid_query');
      });
    } else {
      it('answers regex with 503 engine_unavailable', async () => {
        await expectError(await search({ q: 'ne+dle', regex: '1' }), 503, 'engine_unavailable');
      });
    }

    it('completes paths: folders with a slash, ranked by basename match', async () => {
      const all = await jsonOf<{ paths: string[] }>(await stack.api(`/api/v1/files/complete?projectId=${p.id}`));
      assert.ok(all.paths.includes('src/') && all.paths.includes('src/util/needle.ts'));
      assert.ok(!all.paths.some((x) => x.startsWith('node_modules') || x.startsWith('.git/')));
      assert.deepEqual(all.paths, [...all.paths].sort());
      const ranked = await jsonOf<{ paths: string[] }>(await stack.api(`/api/v1/files/complete?projectId=${p.id}&query=util`));
      assert.deepEqual(ranked.paths, ['src/util/', 'src/util/needle.ts']);
      const needle = await jsonOf<{ paths: string[] }>(await stack.api(`/api/v1/files/complete?projectId=${p.id}&query=NEEDLE&limit=1`));
      assert.deepEqual(needle.paths, ['src/util/needle.ts']);
      await expectError(await stack.api(`/api/v1/files/complete?projectId=${p.id}&limit=x`), 400, 'validation_failed');
    });
  });
}

// A PATH with git and sh but no rg: the service must notice at start-up and fall back.
let noRgBin = '';
searchSuite('ripgrep', () => ({}));
searchSuite('node', () => {
  noRgBin = mkdtempSync(join(tmpdir(), 'pi-forge-norg-'));
  for (const tool of ['git', 'sh', 'bash']) symlinkSync(`/usr/bin/${tool}`, join(noRgBin, tool));
  return { PATH: noRgBin };
});
after(() => {
  if (noRgBin) rmSync(noRgBin, { recursive: true, force: true });
});
