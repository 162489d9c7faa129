import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { StatsController } from './stats/stats.controller.js';
import { AGENT_SDK } from './sdk/agent-sdk.port.js';
import { PiSdkAdapter } from './sdk/pi-sdk-adapter.js';
import { LiveSessions } from './sessions/live-sessions.js';
import { SessionFiles } from './sessions/session-files.js';
import { SessionRegistry } from './sessions/session-registry.js';
import { SessionsService } from './sessions/sessions.service.js';
import { SessionExporter } from './sessions/session-exporter.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { PendingState } from './streaming/pending-state.js';
import { StreamController } from './streaming/stream.controller.js';
import { ConfigFiles } from './provider-config/config-files.js';
import { ModelCatalog } from './provider-config/model-catalog.js';
import { ProviderConfigController } from './provider-config/provider-config.controller.js';
import { PROJECT_PROMPTS } from './system-prompt/project-prompts.port.js';
import { SystemPromptAddenda } from './system-prompt/system-prompt-addenda.js';
import { WorkspaceProjectPrompts } from './system-prompt/workspace-project-prompts.js';

@Module({})
export class AgentModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: AgentModule,
      imports: [ForgeCoreModule.forRoot(config, logger)],
      controllers: [StatsController, SessionsController, StreamController, ProviderConfigController],
      providers: [
        { provide: AGENT_SDK, useClass: PiSdkAdapter },
        { provide: PROJECT_PROMPTS, useClass: WorkspaceProjectPrompts },
        LiveSessions, SessionFiles, SessionRegistry, SessionsService, SessionExporter, SystemPromptAddenda, PendingState, ConfigFiles, ModelCatalog,
      ],
    };
  }
}
