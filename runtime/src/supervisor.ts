// What the launcher (a supervisor) needs of the runtime, and nothing that pulls in NestJS or
// gRPC: the config table and parser, the pino logger, data folders and socket clean-up. The
// package's main entry loads ~65 MB more (docs/performance.md), which a process that only spawns
// and watches four children should not pay for.
export * from './config/config.js';
export * from './config/config-options.js';
export * from './config/process-config.js';
export * from './logging/logger.js';
export * from './grpc/service-address.js';
export * from './fs/data-folders.js';
