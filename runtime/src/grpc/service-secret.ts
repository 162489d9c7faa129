// The per-install shared secret every gRPC call between the gateway and the services carries
// (metadata `x-pi-forge-service-secret`). The services listen on unix sockets in a private
// folder or on loopback, so this is the second wall: a process that can reach the port (another
// pod through a misconfigured bind, another local user) still cannot open a shell through the
// pty service without the secret. grpc.health.v1 stays open on purpose: the kubelet's and
// Docker's probes cannot send metadata, and health reveals nothing but SERVING / NOT_SERVING.
//
// The secret is GRPC_SECRET (or GRPC_SECRET_FILE), else 32 random bytes generated once into
// FORGE_DATA_DIR/grpc-secret (0600). All four processes may start together, so the file is
// created by hard-linking a finished temp file into place: exactly one wins, nobody reads half.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { ForgeConfig } from '../config/config.js';

export const SERVICE_SECRET_METADATA = 'x-pi-forge-service-secret';
export const SERVICE_SECRET_FILE = 'grpc-secret';
/** The only service callable without the secret. */
const EXEMPT_PREFIX = '/grpc.health.v1.Health/';

/** GRPC_SECRET if set, else FORGE_DATA_DIR/grpc-secret, created (0600) on first use. */
export function loadServiceSecret(config: Pick<ForgeConfig, 'FORGE_DATA_DIR'> & { GRPC_SECRET?: string }): string {
  if (config.GRPC_SECRET) return config.GRPC_SECRET;
  const file = join(config.FORGE_DATA_DIR, SERVICE_SECRET_FILE);
  const existing = readSecretFile(file);
  if (existing) return existing;
  mkdirSync(config.FORGE_DATA_DIR, { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temp, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(temp, { force: true });
  }
  const secret = readSecretFile(file);
  if (!secret) throw new Error(`${file} is empty; delete it and restart every pi-forge process`);
  return secret;
}

function readSecretFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time check of a call's metadata against the secret. */
export function hasServiceSecret(metadata: grpc.Metadata, secret: string): boolean {
  const presented = metadata.get(SERVICE_SECRET_METADATA);
  if (presented.length !== 1 || typeof presented[0] !== 'string') return false;
  return timingSafeEqual(digest(presented[0]), digest(secret));
}

/** Server side: every call but grpc.health.v1 without the right secret ends UNAUTHENTICATED before any handler runs. */
export function serviceSecretServerInterceptor(secret: string): grpc.ServerInterceptor {
  return (method, call) => {
    if (method.path.startsWith(EXEMPT_PREFIX)) return new grpc.ServerInterceptingCall(call);
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, mdNext) => {
            if (hasServiceSecret(metadata, secret)) mdNext(metadata);
            else
              call.sendStatus({
                code: grpc.status.UNAUTHENTICATED,
                details: 'missing or wrong service secret',
                metadata: new grpc.Metadata(),
              });
          },
        }),
    });
  };
}

/** Client side: adds the secret to every call of a client (set once per channel, not per method). */
export function serviceSecretClientInterceptor(secret: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        metadata.set(SERVICE_SECRET_METADATA, secret);
        next(metadata, listener);
      },
    });
}
