// Entry point of the agent service: `node services/agent/dist/src/main.js` (or via the launcher).
import 'reflect-metadata';
import { runGrpcService } from '@pi-forge/runtime';
import { AGENT_CONTRACT } from '@pi-forge/proto';
import { AgentModule } from './agent.module.js';

await runGrpcService({ contract: AGENT_CONTRACT, url: (c) => c.AGENT_GRPC_URL, module: (config, logger) => AgentModule.forRoot(config, logger) });
