// Errors cross the gRPC boundary as a status code plus a JSON message carrying the public error
// code (`project_not_found`, `path_not_allowed`, …). The gateway turns them back into
// `{error, message}` with one mapping, so services never think in HTTP except for the few
// contract statuses that gRPC has no word for (httpStatus).
import { status as GrpcStatus } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';

export { GrpcStatus };

export interface ForgeErrorBody {
  error: string;
  message?: string;
  /** Exact HTTP status where the gRPC code's default mapping is not the contract's. */
  httpStatus?: number;
  /** Extra public fields (e.g. lockedUntil). */
  details?: Record<string, unknown>;
}

export function forgeError(code: GrpcStatus, error: string, message?: string, extra: Omit<ForgeErrorBody, 'error' | 'message'> = {}): RpcException {
  const body: ForgeErrorBody = { error, ...(message ? { message } : {}), ...extra };
  return new RpcException({ code, message: JSON.stringify(body) });
}

/** Parses the JSON body of a forge error out of a gRPC error's details; undefined if it is not one. */
export function parseForgeError(details: string | undefined): ForgeErrorBody | undefined {
  if (!details || details[0] !== '{') return undefined;
  try {
    const body = JSON.parse(details) as ForgeErrorBody;
    return typeof body.error === 'string' ? body : undefined;
  } catch {
    return undefined;
  }
}

const DEFAULT_HTTP: Partial<Record<GrpcStatus, number>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 400,
  [GrpcStatus.FAILED_PRECONDITION]: 400,
  [GrpcStatus.OUT_OF_RANGE]: 400,
  [GrpcStatus.UNAUTHENTICATED]: 401,
  [GrpcStatus.PERMISSION_DENIED]: 403,
  [GrpcStatus.NOT_FOUND]: 404,
  [GrpcStatus.ALREADY_EXISTS]: 409,
  [GrpcStatus.ABORTED]: 409,
  [GrpcStatus.RESOURCE_EXHAUSTED]: 413,
  [GrpcStatus.UNIMPLEMENTED]: 501,
  [GrpcStatus.UNAVAILABLE]: 503,
  [GrpcStatus.DEADLINE_EXCEEDED]: 504,
};

export function httpStatusForGrpc(code: GrpcStatus): number {
  return DEFAULT_HTTP[code] ?? 500;
}
