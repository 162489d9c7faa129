// Where each service's contract lives on disk, so servers and clients load the same .proto files
// at run time (proto-loader) while compiling against the TypeScript generated from them.
import { fileURLToPath } from 'node:url';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { AGENT_SERVICE_NAME, AgentServiceController } from '../gen/forge/agent/v1/agent_service.js';
import type { PTY_SERVICE_NAME, PtyServiceController } from '../gen/forge/pty/v1/pty_service.js';
import type { WORKSPACE_SERVICE_NAME, WorkspaceServiceController } from '../gen/forge/workspace/v1/workspace_service.js';
import { rpcDecorators } from './rpc.js';

export * from './rpc.js';

const protoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceContract {
  /** Short name used in logs, health output and config (`agent`, `pty`, `workspace`). */
  name: 'agent' | 'pty' | 'workspace';
  /** Fully qualified protobuf package. */
  package: string;
  /** Service name inside the package. */
  service: string;
  /** Absolute path of the .proto file. */
  protoPath: string;
}

function contract(name: ServiceContract['name'], service: string): ServiceContract {
  return {
    name,
    package: `forge.${name}.v1`,
    service,
    protoPath: `${protoRoot}forge/${name}/v1/${name}_service.proto`,
  };
}

// `satisfies`: a service renamed in its .proto fails here.
export const AGENT_CONTRACT = contract('agent', 'AgentService' satisfies typeof AGENT_SERVICE_NAME);
export const PTY_CONTRACT = contract('pty', 'PtyService' satisfies typeof PTY_SERVICE_NAME);
export const WORKSPACE_CONTRACT = contract('workspace', 'WorkspaceService' satisfies typeof WORKSPACE_SERVICE_NAME);
export const SERVICE_CONTRACTS = [AGENT_CONTRACT, PTY_CONTRACT, WORKSPACE_CONTRACT] as const;

/** The standard grpc.health.v1 contract that every service also serves. */
export const HEALTH_PACKAGE = 'grpc.health.v1';
export const HEALTH_PROTO_PATH: string = healthProtoPath;
export { protoRoot };

/** Handler decorators per service: `@AgentRpc.method getSession(…)` (see rpc.ts). */
export const AgentRpc = rpcDecorators<AgentServiceController>(AGENT_CONTRACT.service);
export const PtyRpc = rpcDecorators<PtyServiceController>(PTY_CONTRACT.service);
export const WorkspaceRpc = rpcDecorators<WorkspaceServiceController>(WORKSPACE_CONTRACT.service);
export * from './enums.js';
export * from './words.js';
