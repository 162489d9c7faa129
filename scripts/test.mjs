// `npm test [-- filter…]`: every test in the repo. Node's test runner takes the compiled unit
// specs (`*/dist/src/**/*.spec.js`) and end-to-end tests (`*/dist/test/**/*.test.js`); the web
// app's own tests run with vitest. A filter keeps only files whose path contains it
// (e.g. `npm test -- launcher gateway/test/auth`). Unfiltered runs (and `npm test -- lint`) first
// check the code itself: ESLint, `prettier --check` and vue-tsc; any error fails the run.
// Ends with one `N passed, N failed` line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const PACKAGES = ['runtime', 'proto', 'gateway', 'services/agent', 'services/pty', 'services/workspace', 'launcher', 'test/fixtures', 'bench', 'deploy'];

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const files = PACKAGES.flatMap((pkg) => [
  ...walk(join(root, pkg, 'dist', 'src')).filter((f) => f.endsWith('.spec.js')),
  ...walk(join(root, pkg, 'dist', 'test')).filter((f) => f.endsWith('.test.js')),
]).filter((f) => filters.length === 0 || filters.some((flt) => relative(root, f).includes(flt)));

mkdirSync(join(root, 'test-output'), { recursive: true });
let passed = 0;
let failed = 0;
let status = 0;
const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`, NODE_ENV: 'test' };

// Static checks count as one test each, so a lint error shows up in the closing line too.
const checkCode = filters.length === 0 || filters.includes('lint');
if (checkCode) {
  const checks = [
    ['eslint', process.execPath, [join(root, 'scripts', 'lint.mjs')], root],
    ['prettier --check', process.execPath, [join(root, 'scripts', 'lint.mjs'), '--format', '--check'], root],
    ['vue-tsc', join(root, 'node_modules', '.bin', 'vue-tsc'), ['--noEmit', '-p', 'tsconfig.json'], join(root, 'web')],
  ];
  for (const [name, cmd, args, cwd] of checks) {
    const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env });
    if (r.status === 0) passed++;
    else {
      failed++;
      status = 1;
      process.stdout.write(`✖ ${name} failed\n`);
    }
  }
}

if (files.length > 0) {
  // Filtered runs get their own TAP file: developers sharing a checkout run them concurrently, and a
  // shared file made one run's closing `N passed, N failed` line report another run's counts.
  const tap = join(root, 'test-output', filters.length ? `node-tests-${process.pid}.tap` : 'node-tests.tap');
  const r = spawnSync(process.execPath, [
    '--test', '--test-concurrency=2', '--test-timeout=180000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ], { cwd: root, stdio: 'inherit', env });
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  passed += Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
  failed += Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
  if (r.status !== 0) { status = 1; if (failed === 0) failed = 1; }
}

// The web app's component, store and browser tests (vitest).
const webTests = walk(join(root, 'web', 'src')).concat(walk(join(root, 'web', 'test'))).filter((f) => /\.(test|spec)\.ts$/.test(f));
if (webTests.length > 0 && (filters.length === 0 || filters.some((f) => 'web'.startsWith(f) || f.startsWith('web')))) {
  const report = join(root, 'test-output', 'web-vitest.json');
  const r = spawnSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { cwd: join(root, 'web'), stdio: 'inherit', env });
  if (existsSync(report)) {
    const j = JSON.parse(readFileSync(report, 'utf8'));
    passed += j.numPassedTests ?? 0;
    failed += j.numFailedTests ?? 0;
  }
  if (r.status !== 0) { status = 1; if (failed === 0) failed = 1; }
}

if (files.length === 0 && webTests.length === 0 && !checkCode) {
  process.stderr.write(`no test matched ${filters.join(' ')}\n`);
  status = 1;
}
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(status);
