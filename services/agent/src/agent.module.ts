import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { rpcHandlers } from '@pi-forge/proto';
import type { AgentServiceController } from '@pi-forge/proto/agent';
import { StatsController } from './stats/stats.controller.js';
import { SessionRegistry } from './sessions/session-registry.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { StreamController } from './streaming/stream.controller.js';
import { ConfigFiles } from './provider-config/config-files.js';
import { ModelCatalog } from './provider-config/model-catalog.js';
import { ProviderConfigController } from './provider-config/provider-config.controller.js';

@Module({})
export class AgentModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: AgentModule,
      imports: [ForgeCoreModule.forRoot(config, logger)],
      // Together they must handle every RPC of the service (a compile-time check).
      controllers: rpcHandlers<AgentServiceController>()(StatsController, SessionsController, StreamController, ProviderConfigController),
      providers: [SessionRegistry, ConfigFiles, ModelCatalog],
    };
  }
}
