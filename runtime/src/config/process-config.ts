// Start-up helper shared by every entry point: parse flags and env once, answer --help and
// --version, and stop with exit code 2 and a message naming the variable on a bad value.
import { readFileSync } from 'node:fs';
import { loadConfig, parseArgs, helpText, ConfigError, type ForgeConfig } from './config.js';

export function productVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function loadProcessConfig(command: string, argv: readonly string[] = process.argv.slice(2)): ForgeConfig {
  try {
    const parsed = parseArgs(argv);
    if (parsed.help) {
      process.stdout.write(`${helpText(command)}\n`);
      process.exit(0);
    }
    if (parsed.version) {
      process.stdout.write(`${productVersion()}\n`);
      process.exit(0);
    }
    return loadConfig({ argv });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${command}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
