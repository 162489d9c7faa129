import { Module } from '@nestjs/common';
import { LogoCache } from './logo-cache.js';
import { UiConfigController } from './ui-config.controller.js';

/** GET /api/v1/ui-config and the logo cache behind /cache/logos/*. */
@Module({ controllers: [UiConfigController], providers: [LogoCache] })
export class UiConfigModule {}
