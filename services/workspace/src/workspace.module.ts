import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { ForgeCoreModule, type ForgeConfig } from '@pi-forge/runtime';
import { ProjectsController } from './projects/projects.controller.js';
import { ProjectRegistry } from './projects/project-registry.js';

@Module({})
export class WorkspaceModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: WorkspaceModule,
      imports: [ForgeCoreModule.forRoot(config, logger)],
      controllers: [ProjectsController],
      providers: [ProjectRegistry],
    };
  }
}
