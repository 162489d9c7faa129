import { Module } from '@nestjs/common';
import { ResourceTogglesController } from './resource-toggles.controller.js';

@Module({ controllers: [ResourceTogglesController] })
export class ResourceTogglesModule {}
