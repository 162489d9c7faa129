// Entry point of the workspace service: `node services/workspace/dist/src/main.js` (or via the launcher).
import 'reflect-metadata';
import { runGrpcService } from '@pi-forge/runtime';
import { WORKSPACE_CONTRACT } from '@pi-forge/proto';
import { WorkspaceModule } from './workspace.module.js';
import { reportUnmappedFsErrors } from './paths/fs-errors.js';

await runGrpcService({ contract: WORKSPACE_CONTRACT, url: (c) => c.WORKSPACE_GRPC_URL, module: (config, logger) => {
  reportUnmappedFsErrors((err) => {
    const e = err as NodeJS.ErrnoException;
    logger.warn({ code: e?.code, syscall: e?.syscall, errorMessage: e?.message }, 'unmapped file-manager error');
  });
  return WorkspaceModule.forRoot(config, logger);
} });
