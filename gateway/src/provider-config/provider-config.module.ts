import { Module } from '@nestjs/common';
import { ProviderConfigController } from './provider-config.controller.js';

@Module({ controllers: [ProviderConfigController] })
export class ProviderConfigModule {}
