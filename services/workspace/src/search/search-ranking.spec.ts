import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rankPath } from './path-completion.js';
import { globToRegExp } from './content-search.js';
import { detectLanguage } from '../files/language.js';

describe('completion ranking', () => {
  it('ranks basename equal < prefix < contains < path contains', () => {
    assert.deepEqual(
      ['src/util/', 'src/utility.ts', 'a/myutil.ts', 'util-x/readme.md', 'other.ts'].map((p) => rankPath(p, 'util')),
      [0, 1, 2, 3, -1],
    );
  });
});

describe('fallback globs', () => {
  it('translates * within a segment, ** across, ? one char', () => {
    assert.ok(globToRegExp('*.ts').test('main.ts'));
    assert.ok(!globToRegExp('*.ts').test('src/main.ts'));
    assert.ok(globToRegExp('src/**/*.ts').test('src/a/b/main.ts'));
    assert.ok(globToRegExp('?.md').test('a.md'));
    assert.ok(!globToRegExp('a.md').test('aXmd'));
  });
});

describe('language detection', () => {
  it('uses the basename first, then the extension', () => {
    const cases: Record<string, string> = {
      Dockerfile: 'dockerfile',
      Makefile: 'makefile',
      'nginx.conf': 'nginx',
      '.env.local': 'properties',
      '.gitignore': 'properties',
      'CMakeLists.txt': 'cmake',
      'a.tsx': 'typescript',
      'b.mjs': 'javascript',
      'c.py': 'python',
      'd.rs': 'rust',
      'e.yml': 'yaml',
      'f.unknown': 'plaintext',
    };
    for (const [name, lang] of Object.entries(cases)) assert.equal(detectLanguage(`/x/${name}`), lang, name);
  });
});
