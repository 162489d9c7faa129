// `npm run lint [-- files…]`: ESLint (type-aware, eslint.config.mjs) on the given files, or on the
// whole tree; `--format` instead runs Prettier (`--check` with `--check`, otherwise `--write`) on
// the code files. `npm test` runs both checks on unfiltered runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
/** What Prettier owns: code and styles. Docs, YAML manifests and JSON data keep their hand layout. */
const PRETTIER_GLOBS = ['**/*.{ts,mts,mjs,js,vue,css}'];

let cmd;
let cmdArgs;
if (args.includes('--format')) {
  cmd = bin('prettier');
  cmdArgs = [args.includes('--check') ? '--check' : '--write', '--log-level', 'warn', ...(files.length ? files : PRETTIER_GLOBS)];
} else {
  cmd = bin('eslint');
  cmdArgs = ['--max-warnings', '0', ...(files.length ? files : ['.'])];
}
const r = spawnSync(cmd, cmdArgs, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` },
});
process.exit(r.status ?? 1);
