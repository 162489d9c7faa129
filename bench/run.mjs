// `npm run bench [-- filter]`: runs every bench/*.bench.mjs in turn (each prints its own table).
// Benchmarks are measured on demand, never as timed assertions in tests.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs') && (filters.length === 0 || filters.some((x) => f.includes(x))))
  .sort();
let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n## ${file}\n\n`);
  const r = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit', env: process.env, timeout: 15 * 60_000 });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`(${file} failed with ${r.status ?? r.signal})\n`);
  }
}
process.exit(failed ? 1 : 0);
