#!/usr/bin/env node
// `npx pi-forge [--flags]`: runs the launcher on Node 22. On a machine whose own Node is older,
// re-executes with the Node 22 that the package's pinned `node` devDependency installed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const main = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));
if (major > 22 || (major === 22 && minor >= 19)) {
  await import(main);
} else {
  const node22 = fileURLToPath(new URL('../../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(node22)) {
    process.stderr.write(`pi-forge needs Node >= 22.19 (this is ${process.version}); run npm ci in the pi-forge folder first.\n`);
    process.exit(1);
  }
  const child = spawn(node22, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
