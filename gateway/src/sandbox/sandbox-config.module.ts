import { Module } from '@nestjs/common';
import { SandboxConfigController } from './sandbox-config.controller.js';

@Module({ controllers: [SandboxConfigController] })
export class SandboxConfigModule {}
