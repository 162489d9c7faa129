import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { rpcHandlers } from '@pi-forge/proto';
import type { AgentServiceController } from '@pi-forge/proto/agent';
import { StatsGrpcHandler } from './stats/stats.grpc-handler.js';
import { AGENT_SDK } from './sdk/agent-sdk.port.js';
import { PiSdkAdapter } from './sdk/pi-sdk-adapter.js';
import { loadPiSdk, PI_SDK_LOADER } from './sdk/pi-sdk.js';
import { LiveSessions } from './sessions/live-sessions.js';
import { SessionFiles } from './sessions/session-files.js';
import { SessionRegistry } from './sessions/session-registry.js';
import { SessionsService } from './sessions/sessions.service.js';
import { SessionExporter } from './sessions/session-exporter.js';
import { SessionsGrpcHandler } from './sessions/sessions.grpc-handler.js';
import { PendingState } from './streaming/pending-state.js';
import { ForgeTools } from './forge-tools/forge-tools.js';
import { SessionEventBus } from './sessions/session-event-bus.js';
import { SessionEvictor } from './sessions/session-evictor.js';
import { StreamGrpcHandler } from './streaming/stream.grpc-handler.js';
import { ConfigFiles } from './provider-config/config-files.js';
import { ModelCatalog } from './provider-config/model-catalog.js';
import { ProviderConfigGrpcHandler } from './provider-config/provider-config.grpc-handler.js';
import { SandboxSettingsGrpcHandler } from './sandbox/sandbox-settings.grpc-handler.js';
import { ProjectSessionsGrpcHandler } from './project-sessions/project-sessions.grpc-handler.js';
import { ProjectSessionFolders, REMOVE_TREE, removeTree } from './project-sessions/project-session-folders.js';
import { PROJECT_PROMPTS } from './system-prompt/project-prompts.port.js';
import { SystemPromptAddenda } from './system-prompt/system-prompt-addenda.js';
import { WorkspaceProjectPrompts } from './system-prompt/workspace-project-prompts.js';
import { ProcessesGrpcHandler } from './processes/processes.grpc-handler.js';
import { ProcessManager, PROCESS_KILL_SEAMS, REAL_KILL_SEAMS } from './processes/process-manager.js';
import { ProcessTool } from './processes/process-tool.js';
import { ResourceTogglesGrpcHandler } from './resource-toggles/resource-toggles.grpc-handler.js';
import { ResourceToggles } from './resource-toggles/resource-toggles.service.js';
import { ToolToggles } from './resource-toggles/tool-toggles.service.js';
import { SessionToggleSource } from './resource-toggles/session-toggles.js';
import { OverridesStore } from './resource-toggles/overrides-store.js';
import { RESOURCE_SCANNER } from './resource-toggles/resource-scanner.port.js';
import { SdkResourceScanner } from './resource-toggles/sdk-resource-scanner.js';
import { MCP_TOOL_CATALOG } from './resource-toggles/mcp-tool-catalog.port.js';
import { McpManagerToolCatalog } from './resource-toggles/mcp-manager-tool-catalog.js';
import { McpFiles } from './mcp/mcp-files.js';
import { McpManager } from './mcp/mcp-manager.js';
import { McpToolBridge } from './mcp/mcp-tool-bridge.js';
import { McpGrpcHandler } from './mcp/mcp.grpc-handler.js';
import { AskUserQuestionGrpcHandler } from './ask-user-question/ask-user-question.grpc-handler.js';
import { AskUserQuestionTools } from './ask-user-question/ask-user-question.tools.js';
import { PendingQuestions } from './ask-user-question/pending-questions.js';
import { WebhooksGrpcHandler } from './webhooks/webhooks.grpc-handler.js';
import { WEBHOOK_PROVIDERS } from './webhooks/webhooks.providers.js';
import { ConfigBackupGrpcHandler } from './config-backup/config-backup.grpc-handler.js';
import { ConfigBackupService } from './config-backup/config-backup.service.js';
import { RestoredFiles } from './config-backup/restored-files.js';

@Module({})
export class AgentModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: AgentModule,
      imports: [ForgeCoreModule.forRoot(config, logger)],
      // Together they must handle every RPC of the service (a compile-time check).
      controllers: rpcHandlers<AgentServiceController>()(
        StatsGrpcHandler,
        SessionsGrpcHandler,
        StreamGrpcHandler,
        ProviderConfigGrpcHandler,
        ProjectSessionsGrpcHandler,
        SandboxSettingsGrpcHandler,
        ProcessesGrpcHandler,
        ResourceTogglesGrpcHandler,
        McpGrpcHandler,
        AskUserQuestionGrpcHandler,
        WebhooksGrpcHandler,
        ConfigBackupGrpcHandler,
      ),
      providers: [
        { provide: AGENT_SDK, useClass: PiSdkAdapter },
        { provide: PI_SDK_LOADER, useValue: loadPiSdk },
        { provide: PROJECT_PROMPTS, useClass: WorkspaceProjectPrompts },
        LiveSessions,
        SessionFiles,
        SessionRegistry,
        SessionsService,
        SessionExporter,
        SystemPromptAddenda,
        PendingState,
        ForgeTools,
        SessionEventBus,
        SessionEvictor,
        ConfigFiles,
        ModelCatalog,
        ProjectSessionFolders,
        { provide: REMOVE_TREE, useValue: removeTree },
        // skills, prompt templates and tool toggles
        OverridesStore,
        ResourceToggles,
        ToolToggles,
        SessionToggleSource,
        { provide: RESOURCE_SCANNER, useClass: SdkResourceScanner },
        { provide: MCP_TOOL_CATALOG, useClass: McpManagerToolCatalog },
        McpFiles,
        McpManager,
        McpToolBridge,
        PendingQuestions,
        AskUserQuestionTools,
        ...WEBHOOK_PROVIDERS,
        ConfigBackupService,
        RestoredFiles,
        // After ask_user_question: pending state follows the snapshot in registration order (questions, todos, processes).
        ProcessManager,
        ProcessTool,
        { provide: PROCESS_KILL_SEAMS, useValue: REAL_KILL_SEAMS },
      ],
    };
  }
}
