// The launcher is a supervisor: it spawns and watches four children and merges their logs. It must
// not load NestJS, gRPC or the pi SDK (about 65 MB of RSS it would hold for nothing), so it takes
// the runtime's `supervisor` entry. This loads exactly what the launcher's own modules import, in
// a child process with a resolve hook, and fails on any heavy package reached.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@pi-forge/test-fixtures';

const HEAVY = /^(@nestjs\/|@grpc\/|@earendil-works\/|rxjs|protobufjs|reflect-metadata|pino-pretty)/;

describe('launcher footprint', () => {
  it('imports the runtime only through its supervisor entry', () => {
    for (const file of ['main.ts', 'supervised-process.ts']) {
      const src = readFileSync(join(REPO_ROOT, 'launcher', 'src', file), 'utf8');
      const specs = [...src.matchAll(/^import (?!type)[^;]*? from '([^']+)'/gm)].map((m) => m[1]!);
      for (const spec of specs)
        assert.ok(!spec.startsWith('@pi-forge/runtime') || spec === '@pi-forge/runtime/supervisor', `${file}: ${spec}`);
    }
  });

  it('reaches no NestJS, gRPC or SDK module when its imports load', () => {
    const script = `
      import { registerHooks } from 'node:module';
      const seen = new Set();
      registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); if (!spec.startsWith('node:') && !spec.startsWith('.')) seen.add(spec); return r; } });
      await import('@pi-forge/runtime/supervisor');
      await import(${JSON.stringify(join(REPO_ROOT, 'launcher', 'dist', 'src', 'supervised-process.js'))});
      process.stdout.write(JSON.stringify([...seen]));
    `;
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(REPO_ROOT, 'launcher'), encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const reached = JSON.parse(res.stdout) as string[];
    assert.ok(reached.includes('pino'), `the resolve hook saw nothing: ${res.stdout}`);
    assert.deepEqual(
      reached.filter((s) => HEAVY.test(s)),
      [],
    );
  });
});
