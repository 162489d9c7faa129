// The agent service's part of config backup and restore (docs/backup.md).
import { Controller } from '@nestjs/common';
import { AgentRpc, type Handles } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { ConfigBackupService } from './config-backup.service.js';

@Controller()
export class ConfigBackupGrpcHandler implements Handles<agent.AgentServiceController, ConfigBackupGrpcHandler> {
  constructor(private readonly backup: ConfigBackupService) {}

  @AgentRpc.method
  async exportConfigFiles(req: agent.ExportConfigFilesRequest): Promise<agent.ExportConfigFilesResponse> {
    return { files: await this.backup.exportFiles(req.names ?? [], req.includeSkills) };
  }

  @AgentRpc.method
  importConfigFiles(req: agent.ImportConfigFilesRequest): Promise<agent.ImportConfigFilesResponse> {
    return this.backup.importFiles(req.files ?? [], req.dryRun);
  }

  @AgentRpc.method
  async exportSkills(): Promise<agent.ExportSkillsResponse> {
    return { files: await this.backup.exportSkills() };
  }

  @AgentRpc.method
  importSkills(req: agent.ImportSkillsRequest): Promise<agent.ImportSkillsResponse> {
    return this.backup.importSkills(req.files ?? []);
  }
}
