// Where each service's contract lives on disk, so servers and clients load the same .proto files
// at run time (proto-loader) while compiling against the TypeScript generated from them.
import { fileURLToPath } from 'node:url';
import { protoPath as healthProtoPath } from 'grpc-health-check';

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

export const AGENT_CONTRACT = contract('agent', 'AgentService');
export const PTY_CONTRACT = contract('pty', 'PtyService');
export const WORKSPACE_CONTRACT = contract('workspace', 'WorkspaceService');
export const SERVICE_CONTRACTS = [AGENT_CONTRACT, PTY_CONTRACT, WORKSPACE_CONTRACT] as const;

/** The standard grpc.health.v1 contract that every service also serves. */
export const HEALTH_PACKAGE = 'grpc.health.v1';
export const HEALTH_PROTO_PATH: string = healthProtoPath;
export { protoRoot };
