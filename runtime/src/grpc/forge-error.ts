// Errors cross the gRPC boundary as a gRPC status plus a JSON message carrying a stable public error
// code (`project_not_found`, `path_not_allowed`, …). Services never think in HTTP: only the
// gateway's table (gateway/src/common/error-status.ts) turns a code into an HTTP status.
import { status as GrpcStatus } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import type { ServiceErrorCode } from './service-error-codes.js';

export { GrpcStatus };

export interface ForgeErrorBody {
  error: ServiceErrorCode;
  message?: string;
  /** Extra public fields (e.g. lockedUntil). */
  details?: Record<string, unknown>;
}

export function forgeError(
  code: GrpcStatus,
  error: ServiceErrorCode,
  message?: string,
  extra: Pick<ForgeErrorBody, 'details'> = {},
): RpcException {
  const body: ForgeErrorBody = { error, ...(message ? { message } : {}), ...extra };
  return new RpcException({ code, message: JSON.stringify(body) });
}

/**
 * Parses the JSON body of a forge error out of a gRPC error's details; undefined if it is not one.
 * The code is only known to be a string here: a service of another version may send a new one.
 */
export function parseForgeError(details: string | undefined): (Omit<ForgeErrorBody, 'error'> & { error: string }) | undefined {
  if (!details || details[0] !== '{') return undefined;
  try {
    const body = JSON.parse(details) as ForgeErrorBody;
    return typeof body.error === 'string' ? body : undefined;
  } catch {
    return undefined;
  }
}
