// Makes the process's config and logger injectable everywhere (@Inject(CONFIG), @Inject(LOGGER)).
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ForgeConfig } from '../config/config.js';
import { CONFIG, LOGGER } from './tokens.js';

@Global()
@Module({})
export class ForgeCoreModule {
  static forRoot(config: ForgeConfig, logger: Logger): DynamicModule {
    return {
      module: ForgeCoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [CONFIG, LOGGER],
    };
  }
}
