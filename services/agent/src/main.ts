// Entry point of the agent service: `node services/agent/dist/src/main.js` (or via the launcher).
// The pi SDK computes some paths when it is first imported, so its environment is set from our
// config first and every module that touches the SDK is imported only afterwards.
import 'reflect-metadata';
import { loadProcessConfig, runGrpcService } from '@pi-forge/runtime';
import { AGENT_CONTRACT } from '@pi-forge/proto';

const config = loadProcessConfig('pi-forge-agent');
process.env.PI_CODING_AGENT_DIR = config.PI_CONFIG_DIR;
// Nothing is downloaded or phoned home at run time (rg/fd fetches, version checks, telemetry).
process.env.PI_OFFLINE = '1';
process.env.PI_SKIP_VERSION_CHECK = '1';
process.env.PI_TELEMETRY = '0';

const { AgentModule } = await import('./agent.module.js');
await runGrpcService({ contract: AGENT_CONTRACT, config, url: (c) => c.AGENT_GRPC_URL, module: (c, logger) => AgentModule.forRoot(c, logger) });
