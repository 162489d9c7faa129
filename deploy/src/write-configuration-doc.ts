// `npm run docs:config -w deploy`: rewrites docs/configuration.md from the config table.
import { writeFileAtomic } from '@pi-forge/runtime';
import { fileURLToPath } from 'node:url';
import { renderConfigurationDoc } from './configuration-doc.js';

const target = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));
await writeFileAtomic(target, renderConfigurationDoc());
process.stdout.write(`wrote ${target}\n`);
