// Boots one NestJS gRPC microservice the same way for agent, pty and workspace: socket prepared,
// grpc.health.v1 served beside the service, NOT_SERVING as soon as shutdown begins, in-flight
// calls drained under the shutdown deadline, socket file removed on the way out.
import 'reflect-metadata';
import type { INestMicroservice, DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import type { Server } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { ForgeConfig } from '../config/config.js';
import { loadProcessConfig } from '../config/process-config.js';
import { createLogger } from '../logging/logger.js';
import { PinoNestLogger } from '../logging/nest-logger.js';
import { installShutdownHandlers, onShutdown } from '../process/shutdown.js';
import { prepareServiceAddress, removeServiceSocket } from './service-address.js';
import { loadServiceSecret, serviceSecretServerInterceptor } from './service-secret.js';

export interface ServiceContractLike {
  name: string;
  package: string;
  service: string;
  protoPath: string;
}

export interface GrpcServiceSpec {
  contract: ServiceContractLike;
  /** Root module; receives the config and logger through the CONFIG / LOGGER tokens. */
  module: (config: ForgeConfig, logger: Logger) => Type<unknown> | DynamicModule;
  /** Address from config (e.g. config.PTY_GRPC_URL). */
  url: (config: ForgeConfig) => string;
  /** Already-loaded config (when the entry point needed it before importing heavy modules). */
  config?: ForgeConfig;
}

/** Channel options shared by servers and clients: large messages for file transfer, keepalive. */
export const GRPC_CHANNEL_OPTIONS = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 5_000,
} as const;

export async function runGrpcService(spec: GrpcServiceSpec): Promise<INestMicroservice> {
  const t0 = performance.now();
  const config = spec.config ?? loadProcessConfig(`pi-forge-${spec.contract.name}`);
  const logger = createLogger(spec.contract.name, config.LOG_LEVEL);
  installShutdownHandlers(logger, config.SHUTDOWN_TIMEOUT_MS);
  const url = spec.url(config);
  let secret: string;
  try {
    await prepareServiceAddress(url);
    secret = loadServiceSecret(config);
  } catch (err) {
    // A squatted socket folder, a live server on our socket, an unwritable data dir: stop with the reason, exit 1.
    logger.fatal({ url }, (err as Error).message);
    process.exit(1);
  }

  const health = new HealthImplementation({ '': 'NOT_SERVING', [`${spec.contract.package}.${spec.contract.service}`]: 'NOT_SERVING' });
  const setHealth = (state: 'SERVING' | 'NOT_SERVING') => {
    health.setStatus('', state);
    health.setStatus(`${spec.contract.package}.${spec.contract.service}`, state);
  };
  let grpcServer: Server | undefined;
  const options: GrpcOptions['options'] = {
    package: spec.contract.package,
    protoPath: spec.contract.protoPath,
    url,
    // grpc-js server options: every call but grpc.health.v1 must carry the per-install secret.
    channelOptions: {
      ...GRPC_CHANNEL_OPTIONS,
      interceptors: [serviceSecretServerInterceptor(secret)],
    } as GrpcOptions['options']['channelOptions'],
    loader: { longs: Number, enums: String, defaults: true, oneofs: true },
    onLoadPackageDefinition: (_def, server) => {
      grpcServer = server as Server;
      health.addToServer(grpcServer);
    },
  };
  const app = await NestFactory.createMicroservice(spec.module(config, logger), {
    transport: Transport.GRPC,
    options,
    logger: new PinoNestLogger(logger),
  });
  await app.listen();
  setHealth('SERVING');

  onShutdown(async () => {
    setHealth('NOT_SERVING');
    // Drain in-flight calls for most of the deadline, then cut the rest.
    const drainMs = Math.max(50, config.SHUTDOWN_TIMEOUT_MS - 300);
    const server = grpcServer;
    if (server) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, drainMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await app.close().catch((err: unknown) => logger.warn({ err }, 'close failed'));
    removeServiceSocket(url);
  });
  logger.info({ url, startupMs: Math.round(performance.now() - t0) }, `${spec.contract.name} service listening`);
  return app;
}
