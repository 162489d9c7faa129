// The gateway: the only public port. Each feature folder is one module; the gateway keeps no
// workspace state and reaches the services only through the clients in clients/.
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { AuthModule } from './auth/auth.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { ErrorEnvelopeFilter } from './common/error-envelope.filter.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ProviderConfigModule } from './provider-config/provider-config.module.js';
import { SandboxConfigModule } from './sandbox/sandbox-config.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { TerminalModule } from './terminal/terminal.module.js';
import { UiConfigModule } from './ui-config/ui-config.module.js';
import { WebAppModule } from './web-app/web-app.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { FilesModule } from './files/files.module.js';
import { GitModule } from './git/git.module.js';
import { ProcessesModule } from './processes/processes.module.js';
import { ResourceTogglesModule } from './resource-toggles/resource-toggles.module.js';
import { McpModule } from './mcp/mcp.module.js';
import { AskUserQuestionModule } from './ask-user-question/ask-user-question.module.js';
import { ConfigBackupModule } from './config-backup/config-backup.module.js';

@Module({})
export class AppModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ForgeCoreModule.forRoot(config, logger),
        ClientsModule,
        WebAppModule,
        AuthModule,
        HealthModule,
        MetricsModule,
        TerminalModule,
        SessionsModule,
        ProviderConfigModule,
        SandboxConfigModule,
        WebhooksModule,
        ProjectsModule,
        FilesModule,
        GitModule,
        McpModule,
        UiConfigModule,
        ProcessesModule,
        ResourceTogglesModule,
        AskUserQuestionModule,
        ConfigBackupModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ErrorEnvelopeFilter }],
    };
  }
}
