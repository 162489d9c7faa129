// Entry point of the pty service: `node services/pty/dist/src/main.js` (or via the launcher).
import 'reflect-metadata';
import { runGrpcService } from '@pi-forge/runtime';
import { PTY_CONTRACT } from '@pi-forge/proto';
import { PtyModule } from './pty.module.js';

await runGrpcService({ contract: PTY_CONTRACT, url: (c) => c.PTY_GRPC_URL, module: (config, logger) => PtyModule.forRoot(config, logger) });
