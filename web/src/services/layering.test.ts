// @vitest-environment node
// The browser's one way to the server (services/README.md): components and views never call the
// server themselves (no *.api module, fetch, EventSource or WebSocket); stores and composables do.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('..', import.meta.url));

function vueFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? vueFiles(join(dir, e.name)) : e.name.endsWith('.vue') ? [join(dir, e.name)] : [],
  );
}

describe('layering', () => {
  const files = [...vueFiles(join(src, 'components')), ...vueFiles(join(src, 'views')), join(src, 'App.vue')];

  it('finds the components', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('no component or view talks to the server directly', () => {
    const offenders = files.filter((f) => {
      const text = readFileSync(f, 'utf8');
      return /services\/[\w-]+\.api['"]/.test(text) || /\bfetch\(|new EventSource\(|new WebSocket\(/.test(text);
    });
    expect(offenders.map((f) => f.slice(src.length))).toEqual([]);
  });
});
