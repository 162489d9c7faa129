import { Module } from '@nestjs/common';
import { ConfigBackupController } from './config-backup.controller.js';
import { ConfigBackupService } from './config-backup.service.js';

@Module({ controllers: [ConfigBackupController], providers: [ConfigBackupService] })
export class ConfigBackupModule {}
