// `npm test [-- filter…]`: every test in the repo. Node's test runner takes the compiled unit
// specs (`*/dist/src/**/*.spec.js`) and end-to-end tests (`*/dist/test/**/*.test.js`); the web
// app's own tests run with vitest. A filter keeps only files whose path contains it
// (e.g. `npm test -- launcher gateway/test/auth`). Ends with one `N passed, N failed` line.
// Unfiltered runs (or a filter matching `proto`) first check the .proto files: `buf lint`, and
// `buf breaking` against the protos of `--buf-against=<git ref>` (default HEAD~1; docs/development.md).
// Unfiltered runs (and `npm test -- lint`) also check the code itself: ESLint, `prettier --check`
// and vue-tsc; any error fails the run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const bufAgainst = process.argv.find((a) => a.startsWith('--buf-against='))?.slice('--buf-against='.length) || 'HEAD~1';
const PACKAGES = [
  'runtime',
  'proto',
  'gateway',
  'services/agent',
  'services/pty',
  'services/workspace',
  'launcher',
  'test/fixtures',
  'bench',
  'deploy',
];

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

/** One named check of its own (not a node:test file): prints its outcome and counts it. */
function check(name, run) {
  const { ok, note = '' } = run();
  process.stdout.write(`${ok ? '✔' : '✖'} ${name}${note ? ` — ${note}` : ''}\n`);
  if (ok) passed += 1;
  else {
    failed += 1;
    status = 1;
  }
}

const git = (...args) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
const buf = (...args) => spawnSync(join(root, 'node_modules', '.bin', 'buf'), args, { cwd: join(root, 'proto'), encoding: 'utf8', env });

if (filters.length === 0 || filters.some((f) => 'proto'.startsWith(f) || f.startsWith('proto'))) {
  check('buf lint (proto/)', () => {
    const r = buf('lint');
    if (r.status !== 0) process.stdout.write(r.stdout + r.stderr);
    return { ok: r.status === 0 };
  });
  check(`buf breaking against ${bufAgainst}`, () => {
    // Skipped where there is nothing to compare with: no git checkout, or a base without protos.
    if (git('rev-parse', '--verify', '--quiet', `${bufAgainst}^{commit}`).status !== 0)
      return { ok: true, note: `skipped: no commit ${bufAgainst}` };
    if (git('cat-file', '-e', `${bufAgainst}:proto/buf.yaml`).status !== 0)
      return { ok: true, note: `skipped: ${bufAgainst} has no protos` };
    const base = mkdtempSync(join(tmpdir(), 'pi-forge-buf-base-'));
    try {
      const archive = spawnSync('sh', ['-c', `git -C "$1" archive "$2" proto | tar -x -C "$3"`, 'sh', root, bufAgainst, base], {
        encoding: 'utf8',
      });
      if (archive.status !== 0) return { ok: false, note: `could not read the protos of ${bufAgainst}: ${archive.stderr.trim()}` };
      const r = buf('breaking', '--against', join(base, 'proto'));
      if (r.status === 0) return { ok: true };
      // A deliberate break is declared in proto/BREAKING.md in the same change: reported, not failed.
      const declared = git('diff', '--quiet', bufAgainst, '--', 'proto/BREAKING.md').status === 1;
      process.stdout.write(r.stdout + r.stderr);
      return declared
        ? { ok: true, note: 'breaking changes declared in proto/BREAKING.md' }
        : { ok: false, note: 'undeclared breaking change (see proto/BREAKING.md)' };
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
}

// The code's own checks, each counted as one test (docs/development.md#formatting-and-linting).
const checkCode = filters.length === 0 || filters.includes('lint');
if (checkCode) {
  const tool =
    (cmd, args, cwd = root) =>
    () => ({ ok: spawnSync(cmd, args, { cwd, stdio: 'inherit', env }).status === 0 });
  check('eslint', tool(process.execPath, [join(root, 'scripts', 'lint.mjs')]));
  check('prettier --check', tool(process.execPath, [join(root, 'scripts', 'lint.mjs'), '--format', '--check']));
  check('vue-tsc (web)', tool(join(root, 'node_modules', '.bin', 'vue-tsc'), ['--noEmit', '-p', 'tsconfig.json'], join(root, 'web')));
}

if (files.length > 0) {
  // Filtered runs get their own TAP file: developers sharing a checkout run them concurrently, and a
  // shared file made one run's closing `N passed, N failed` line report another run's counts.
  const tap = join(root, 'test-output', filters.length ? `node-tests-${process.pid}.tap` : 'node-tests.tap');
  const r = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-concurrency=2',
      '--test-timeout=180000',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { cwd: root, stdio: 'inherit', env },
  );
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  passed += Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
  failed += Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
  if (r.status !== 0) {
    status = 1;
    if (failed === 0) failed = 1;
  }
}

// The web app's component, store and browser tests (vitest).
const webTests = walk(join(root, 'web', 'src'))
  .concat(walk(join(root, 'web', 'test')))
  .filter((f) => /\.(test|spec)\.ts$/.test(f));
if (webTests.length > 0 && (filters.length === 0 || filters.some((f) => 'web'.startsWith(f) || f.startsWith('web')))) {
  const report = join(root, 'test-output', 'web-vitest.json');
  const r = spawnSync(
    join(root, 'node_modules', '.bin', 'vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { cwd: join(root, 'web'), stdio: 'inherit', env },
  );
  if (existsSync(report)) {
    const j = JSON.parse(readFileSync(report, 'utf8'));
    passed += j.numPassedTests ?? 0;
    failed += j.numFailedTests ?? 0;
  }
  if (r.status !== 0) {
    status = 1;
    if (failed === 0) failed = 1;
  }
}

if (files.length === 0 && webTests.length === 0 && !checkCode) {
  process.stderr.write(`no test matched ${filters.join(' ')}\n`);
  status = 1;
}
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(status);
