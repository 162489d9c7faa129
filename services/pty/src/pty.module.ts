import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { rpcHandlers } from '@pi-forge/proto';
import type { PtyServiceController } from '@pi-forge/proto/pty';
import { StatsGrpcHandler } from './stats/stats.grpc-handler.js';
import { AttachGrpcHandler } from './terminals/attach.grpc-handler.js';
import { TerminalRegistry } from './terminals/terminal-registry.js';

@Module({})
export class PtyModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: PtyModule,
      imports: [ForgeCoreModule.forRoot(config, logger)],
      // Together they must handle every RPC of the service (a compile-time check).
      controllers: rpcHandlers<PtyServiceController>()(StatsGrpcHandler, AttachGrpcHandler),
      providers: [TerminalRegistry],
    };
  }
}
