import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { StatsController } from './stats/stats.controller.js';
import { SessionRegistry } from './sessions/session-registry.js';

@Module({})
export class AgentModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: AgentModule,
      imports: [ForgeCoreModule.forRoot(config, logger)],
      controllers: [StatsController],
      providers: [SessionRegistry],
    };
  }
}
