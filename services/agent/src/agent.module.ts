import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { StatsController } from './stats/stats.controller.js';
import { SessionRegistry } from './sessions/session-registry.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { StreamController } from './streaming/stream.controller.js';
import { ConfigFiles } from './provider-config/config-files.js';
import { ModelCatalog } from './provider-config/model-catalog.js';
import { ProviderConfigController } from './provider-config/provider-config.controller.js';
import { SandboxSettingsGrpcController } from './sandbox/sandbox-settings.controller.js';
import { ProjectSessionsGrpcController } from './project-sessions/project-sessions.controller.js';
import { ProjectSessionFolders, REMOVE_TREE, removeTree } from './project-sessions/project-session-folders.js';

@Module({})
export class AgentModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: AgentModule,
      imports: [ForgeCoreModule.forRoot(config, logger)],
      controllers: [StatsController, SessionsController, StreamController, ProviderConfigController, ProjectSessionsGrpcController, SandboxSettingsGrpcController],
      providers: [SessionRegistry, ConfigFiles, ModelCatalog, ProjectSessionFolders, { provide: REMOVE_TREE, useValue: removeTree }],
    };
  }
}
