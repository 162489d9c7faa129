// Entry point of the workspace service: `node services/workspace/dist/src/main.js` (or via the launcher).
import 'reflect-metadata';
import { runGrpcService } from '@pi-forge/runtime';
import { WORKSPACE_CONTRACT } from '@pi-forge/proto';
import { WorkspaceModule } from './workspace.module.js';

await runGrpcService({ contract: WORKSPACE_CONTRACT, url: (c) => c.WORKSPACE_GRPC_URL, module: (config, logger) => WorkspaceModule.forRoot(config, logger) });
