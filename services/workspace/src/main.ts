// Entry point of the workspace service: `node services/workspace/dist/src/main.js` (or via the launcher).
import 'reflect-metadata';
import { createLogger, loadProcessConfig, prepareSandboxOwnership, runGrpcService } from '@pi-forge/runtime';
import { WORKSPACE_CONTRACT } from '@pi-forge/proto';
import { WorkspaceModule } from './workspace.module.js';
import { reportUnmappedFsErrors } from './paths/fs-errors.js';

const config = loadProcessConfig('pi-forge-workspace');
// Sandbox mode: the workspace (and AGENT_TOOL_SANDBOX_CHOWN_PATHS) belong to the tool identity
// before any request arrives (contract §5.15); a failure stops start-up with the reason.
try {
  const { prepared, missing } = await prepareSandboxOwnership(config);
  if (prepared.length) createLogger('workspace', config.LOG_LEVEL).info({ prepared, missing }, 'sandbox ownership prepared');
} catch (err) {
  process.stderr.write(`pi-forge-workspace: ${(err as Error).message}\n`);
  process.exit(1);
}

await runGrpcService({
  contract: WORKSPACE_CONTRACT,
  config,
  url: (c) => c.WORKSPACE_GRPC_URL,
  module: (cfg, logger) => {
    reportUnmappedFsErrors((err) => {
      const e = err as NodeJS.ErrnoException;
      logger.warn({ code: e?.code, syscall: e?.syscall, errorMessage: e?.message }, 'unmapped file-manager error');
    });
    return WorkspaceModule.forRoot(cfg, logger);
  },
});
