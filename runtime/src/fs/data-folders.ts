// Start-up creates WORKSPACE_PATH and FORGE_DATA_DIR (never PI_CONFIG_DIR, which is the SDK's)
// and stops with exit code 1 and a hint when it cannot (docs/compatibility.md#configuration). Folders we create are 0700:
// FORGE_DATA_DIR holds the JWT key and password hash, and projects can hold anything.
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import type { ForgeConfig } from '../config/config.js';

export function ensureDataFolders(config: ForgeConfig, logger: Logger): void {
  for (const dir of [config.FORGE_DATA_DIR, config.WORKSPACE_PATH]) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      logger.fatal({ err, dir }, 'cannot create data folder; set FORGE_DATA_DIR / WORKSPACE_PATH to a writable path');
      process.exit(1);
    }
  }
}
