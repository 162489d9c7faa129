// Entry point of the agent service: `node services/agent/dist/src/main.js` (or via the launcher).
// The pi SDK computes some paths when it is first imported, so its environment is set from our
// config first and every module that touches the SDK is imported only afterwards. Importing the SDK
// takes seconds, so the gRPC server listens (and reports SERVING) first and the SDK loads right
// after in the background; calls that need it meanwhile wait for it (sdk/pi-sdk.ts, docs/agent-service.md).
import 'reflect-metadata';
import type { Logger } from 'pino';
import { LOGGER, loadProcessConfig, runGrpcService } from '@pi-forge/runtime';
import { AGENT_CONTRACT } from '@pi-forge/proto';

const config = loadProcessConfig('pi-forge-agent');
process.env.PI_CODING_AGENT_DIR = config.PI_CONFIG_DIR;
// Nothing is downloaded or phoned home at run time (rg/fd fetches, version checks, telemetry).
process.env.PI_OFFLINE = '1';
process.env.PI_SKIP_VERSION_CHECK = '1';
process.env.PI_TELEMETRY = '0';

const { AgentModule } = await import('./agent.module.js');
const { loadPiSdk } = await import('./sdk/pi-sdk.js');
const app = await runGrpcService({
  contract: AGENT_CONTRACT,
  config,
  url: (c) => c.AGENT_GRPC_URL,
  module: (c, logger) => AgentModule.forRoot(c, logger),
});
const logger = app.get<Logger>(LOGGER);
const t0 = performance.now();
loadPiSdk().then(
  () => logger.info({ sdkLoadMs: Math.round(performance.now() - t0) }, 'pi SDK loaded'),
  (err: unknown) => logger.error({ err }, 'pi SDK failed to load; calls that need it will retry the import'),
);
