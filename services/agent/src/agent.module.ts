import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { rpcHandlers } from '@pi-forge/proto';
import type { AgentServiceController } from '@pi-forge/proto/agent';
import { StatsGrpcHandler } from './stats/stats.grpc-handler.js';
import { SessionRegistry } from './sessions/session-registry.js';
import { SessionsGrpcHandler } from './sessions/sessions.grpc-handler.js';
import { StreamGrpcHandler } from './streaming/stream.grpc-handler.js';
import { ConfigFiles } from './provider-config/config-files.js';
import { ModelCatalog } from './provider-config/model-catalog.js';
import { ProviderConfigGrpcHandler } from './provider-config/provider-config.grpc-handler.js';
import { SandboxSettingsGrpcHandler } from './sandbox/sandbox-settings.grpc-handler.js';
import { ProjectSessionsGrpcHandler } from './project-sessions/project-sessions.grpc-handler.js';
import { ProjectSessionFolders, REMOVE_TREE, removeTree } from './project-sessions/project-session-folders.js';

@Module({})
export class AgentModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: AgentModule,
      imports: [ForgeCoreModule.forRoot(config, logger)],
      // Together they must handle every RPC of the service (a compile-time check).
      controllers: rpcHandlers<AgentServiceController>()(StatsGrpcHandler, SessionsGrpcHandler, StreamGrpcHandler, ProviderConfigGrpcHandler, ProjectSessionsGrpcHandler, SandboxSettingsGrpcHandler),
      providers: [SessionRegistry, ConfigFiles, ModelCatalog, ProjectSessionFolders, { provide: REMOVE_TREE, useValue: removeTree }],
    };
  }
}
