// docs/deployment.md covers what the original deployment guide covers, and what it names exists:
// its settings are in the config table, its metrics in the registry, its log messages in the code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_OPTIONS } from '@pi-forge/runtime';
import { REPO_ROOT } from '@pi-forge/test-fixtures';
import { repoFile } from './manifests.js';

const doc = repoFile('docs/deployment.md');

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e === 'node_modules' || e === 'dist') continue;
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.spec.ts')) out.push(p);
  }
  return out;
}

describe('docs/deployment.md', () => {
  it('covers every topic of the deployment guide', () => {
    for (const heading of [
      '## Before you deploy',
      '### Loopback only',
      '### LAN access via direct port-forward',
      '### LAN access behind a reverse proxy',
      '### Caddy',
      '### nginx',
      '### Traefik',
      '## Network settings',
      '## Auth',
      '## Backups',
      '## Update and rollback',
      '## Several users',
      '## Monitoring',
      '### Logs',
      '### Metrics',
    ]) {
      assert.ok(doc.includes(heading), `missing section ${heading}`);
    }
    for (const v of ['TRUST_PROXY', 'CORS_ORIGIN', 'JWT_EXPIRES_IN_SECONDS', 'RATE_LIMIT_LOGIN_MAX', 'LOG_LEVEL', 'MINIMAL_UI'])
      assert.ok(doc.includes(`| \`${v}\` |`), `network table row ${v}`);
    for (const v of ['WORKSPACE_HOST_PATH', 'PI_CONFIG_HOST_PATH', 'FORGE_DATA_HOST_PATH']) assert.ok(doc.includes(v), `backup of ${v}`);
  });

  it('names only real settings in the network table', () => {
    const known = new Set<string>(CONFIG_OPTIONS.map((o) => o.env));
    const network = doc.slice(doc.indexOf('## Network settings'), doc.indexOf('## Auth'));
    const rows = [...network.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    assert.ok(rows.length >= 6);
    for (const v of rows) assert.ok(known.has(v), `${v} is not in the config table`);
  });

  it('lists every metric the gateway exports, and no others', () => {
    const registry = readFileSync(join(REPO_ROOT, 'gateway/src/metrics/forge-metrics.ts'), 'utf8');
    const names = [...registry.matchAll(/name: '(forge_[a-z_]+)'/g)].map((m) => m[1]);
    assert.ok(names.length >= 8);
    const documented = [...doc.matchAll(/^\| `(forge_[a-z_]+)(?:\{[^}]*\})?` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...documented].sort(), [...names].sort());
  });

  it('alerts only on log messages the code really logs', () => {
    const code = ['gateway/src', 'services', 'launcher/src', 'runtime/src']
      .flatMap((d) => sources(join(REPO_ROOT, d)))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const table = doc.slice(doc.indexOf('Log lines worth alerting on'));
    const messages = [...table.matchAll(/^\| `([^`]+)`(?:, `([^`]+)`)*/gm)].flatMap((m) =>
      m[0].match(/`[^`]+`/g)!.map((s) => s.slice(1, -1)),
    );
    assert.ok(messages.length >= 8);
    for (const msg of messages) {
      const literal = msg.replace(/…$/, '');
      assert.ok(code.includes(literal), `no code logs "${msg}"`);
    }
  });
});
