// `npm run build` (everything) and `--if-needed` (what is missing or stale; used by npm start and
// npm test). Steps: generate TypeScript from the .proto files, compile every package with
// `tsc -b` (incremental), type-check the web app with vue-tsc and build it with Vite.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// One build at a time per checkout: parallel `tsc -b` runs would race on the same dist files.
if (!process.env.FORGE_BUILD_LOCKED && existsSync('/usr/bin/flock')) {
  const r = spawnSync('/usr/bin/flock', [join(root, 'node_modules', '.forge-build.lock'), process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, FORGE_BUILD_LOCKED: '1' },
  });
  process.exit(r.status ?? 1);
}
const ifNeeded = process.argv.includes('--if-needed');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function newest(dir, filter = () => true) {
  let t = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'gen') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, newest(p, filter));
    else if (filter(p)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function run(label, cmd, args, cwd = root) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` },
  });
  if (r.status !== 0) {
    process.stderr.write(`build: ${label} failed\n`);
    process.exit(r.status ?? 1);
  }
  process.stderr.write(`build: ${label} ${Date.now() - t0} ms\n`);
}

const protoDir = join(root, 'proto');
const genStamp = join(protoDir, 'gen', 'forge', 'agent', 'v1', 'agent_service.ts');
if (!ifNeeded || !existsSync(genStamp) || newest(protoDir, (p) => p.endsWith('.proto')) > statSync(genStamp).mtimeMs) {
  run('proto codegen', bin('buf'), ['generate'], protoDir);
}
run('typescript', bin('tsc'), ['-b', 'tsconfig.json']);

const web = join(root, 'web');
const webIndex = join(web, 'dist', 'index.html');
if (existsSync(join(web, 'index.html'))) {
  const stale = !existsSync(webIndex) || newest(web) > statSync(webIndex).mtimeMs;
  if (!ifNeeded || stale) {
    // Vite strips types without checking them; vue-tsc checks the .vue files and the web tests.
    run('web typecheck', bin('vue-tsc'), ['--noEmit', '-p', 'tsconfig.json'], web);
    run('web app', bin('vite'), ['build', '--logLevel', 'warn'], web);
  }
}
