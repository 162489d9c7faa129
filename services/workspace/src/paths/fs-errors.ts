// Raw errno values from the file system become the contract's public codes (§2.8) in one place.
import { RpcException } from '@nestjs/microservices';
import { forgeError, GrpcStatus } from '@pi-forge/runtime';

/** Told about every errno the table below does not know (set once at start, see main.ts). */
let onUnmapped: (err: unknown) => void = () => {};

/** Operators alert on the "unmapped file-manager error" line this reports (docs/deployment.md). */
export function reportUnmappedFsErrors(report: (err: unknown) => void): void {
  onUnmapped = report;
}

export function fsError(err: unknown): RpcException {
  if (err instanceof RpcException) return err;
  switch ((err as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
      return forgeError(GrpcStatus.NOT_FOUND, 'not_found', 'no such file or directory');
    case 'EACCES':
    case 'EPERM':
      return forgeError(GrpcStatus.PERMISSION_DENIED, 'permission_denied', 'permission denied');
    case 'EISDIR':
      return forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_file', 'path is a directory');
    case 'ENOTDIR':
      return forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'a parent of the path is not a directory');
    case 'EEXIST':
      return forgeError(GrpcStatus.ALREADY_EXISTS, 'target_exists', 'the target already exists');
    case 'ENOTEMPTY':
      return forgeError(GrpcStatus.ALREADY_EXISTS, 'directory_not_empty', 'the directory is not empty');
    case 'ELOOP':
      return forgeError(GrpcStatus.PERMISSION_DENIED, 'path_not_allowed', 'path is outside the project root');
    default:
      onUnmapped(err);
      return forgeError(GrpcStatus.INTERNAL, 'internal_error', 'the file operation failed');
  }
}

/** Runs a file operation and maps any errno on the way out. */
export async function mapFsErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fsError(err);
  }
}
