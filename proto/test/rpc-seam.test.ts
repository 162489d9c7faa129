// The typed RPC seam, proven the way it is meant to fail: copy the protos, rename or remove RPCs,
// regenerate with the real ts-proto setup, and type-check the gateway clients and the services'
// handler modules against the new code. The unchanged copy must compile (so the harness is sound)
// and the edited copy must fail with errors at each RPC's caller, its handler and the coverage check.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
// Inside the repo so the generated code's imports (@nestjs/microservices, rxjs, …) resolve from its node_modules.
const work = join(root, 'test-output', `rpc-seam-${process.pid}`);

/** The files whose RPC names the seam checks: every gateway client and every service's handler module. */
const CHECKED = [
  'gateway/src/clients/agent.client.ts',
  'gateway/src/clients/pty.client.ts',
  'gateway/src/clients/workspace.client.ts',
  'services/agent/src/agent.module.ts',
  'services/pty/src/pty.module.ts',
  'services/workspace/src/workspace.module.ts',
];

/** Copies proto/ (sources only) to `dir`, applies `edit` to each .proto, generates, and type-checks CHECKED against it. */
function typeCheckAgainst(dir: string, edit: (name: string, text: string) => string): { status: number | null; output: string } {
  mkdirSync(dir, { recursive: true });
  for (const entry of ['forge', 'src', 'buf.yaml', 'buf.gen.yaml'])
    cpSync(join(root, 'proto', entry), join(dir, entry), { recursive: true });
  for (const name of ['agent', 'pty', 'workspace']) {
    const file = join(dir, 'forge', name, 'v1', `${name}_service.proto`);
    writeFileSync(file, edit(name, readFileSync(file, 'utf8')));
  }
  const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };
  const gen = spawnSync(bin('buf'), ['generate'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(gen.status, 0, `buf generate failed: ${gen.stderr}`);
  const genPath = (name: string) => [`./gen/forge/${name}/v1/${name}_service.ts`];
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: true,
        composite: false,
        incremental: false,
        declaration: false,
        sourceMap: false,
        rootDir: root,
        // The edited contracts replace the built @pi-forge/proto for every file checked.
        paths: {
          '@pi-forge/proto': ['./src/index.ts'],
          '@pi-forge/proto/agent': genPath('agent'),
          '@pi-forge/proto/pty': genPath('pty'),
          '@pi-forge/proto/workspace': genPath('workspace'),
        },
      },
      files: CHECKED.map((f) => join(root, f)),
    }),
  );
  const tsc = spawnSync(bin('tsc'), ['-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 170_000,
  });
  return { status: tsc.status, output: `${tsc.stdout}${tsc.stderr}` };
}

describe('typed RPC seam', () => {
  before(() => rmSync(work, { recursive: true, force: true }));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('compiles against an unchanged copy of the protos (the harness itself is sound)', () => {
    const r = typeCheckAgainst(join(work, 'same'), (_name, text) => text);
    assert.equal(r.status, 0, r.output);
  });

  it('fails tsc at caller, handler and coverage check when RPCs are renamed or removed', () => {
    const r = typeCheckAgainst(join(work, 'edited'), (name, text) => {
      if (name === 'agent') return replaceOnce(text, 'rpc GetSession(', 'rpc FetchSession(');
      if (name === 'pty') return replaceOnce(text, 'rpc Attach(', 'rpc AttachTerminal(');
      return replaceOnce(text, '  rpc GitRevert(GitRevertRequest) returns (GitRevertResponse);\n', '');
    });
    assert.notEqual(r.status, 0, 'tsc accepted clients and handlers for RPCs that no longer exist');
    // One entry per diagnostic: its `file(line,col): error …` line and the indented elaboration under it.
    const errors = r.output.split(/\n(?=\S+\(\d+,\d+\): error TS)/).filter((e) => /error TS\d+/.test(e));
    const errorIn = (file: string, pattern: RegExp) => errors.some((l) => l.startsWith(file) && pattern.test(l));
    // tsc names files relative to its cwd (the repo root).
    // Renamed unary RPC: the client's call and interface, the handler's decorator, the coverage check.
    assert.ok(errorIn('gateway/src/clients/agent.client.ts', /"getSession"/), errors.join('\n---\n'));
    assert.ok(errorIn('gateway/src/clients/agent.client.ts', /fetchSession/), errors.join('\n---\n'));
    assert.ok(errorIn('services/agent/src/sessions/sessions.grpc-handler.ts', /getSession/), errors.join('\n---\n'));
    assert.ok(errorIn('services/agent/src/agent.module.ts', /missingRpcHandlers/), errors.join('\n---\n'));
    // Renamed raw stream: the client's exclusion list and stream call, the stream handler's decorator.
    assert.ok(errorIn('gateway/src/clients/pty.client.ts', /attach/), errors.join('\n---\n'));
    assert.ok(
      errors.some((l) => l.startsWith('services/pty/src/') && /attach/.test(l) && !/attachTerminal/.test(l)),
      errors.join('\n---\n'),
    );
    assert.ok(errorIn('services/pty/src/pty.module.ts', /missingRpcHandlers/), errors.join('\n---\n'));
    // Removed RPC: its client call and its handler.
    assert.ok(errorIn('gateway/src/clients/workspace.client.ts', /gitRevert/), errors.join('\n---\n'));
    assert.ok(errorIn('services/workspace/src/git/git.grpc-handler.ts', /gitRevert/), errors.join('\n---\n'));
  });
});

function replaceOnce(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `proto no longer contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}
