// The workspace service's part of config backup and restore: projects.json (docs/backup.md).
import { Controller } from '@nestjs/common';
import { WorkspaceRpc, type Handles } from '@pi-forge/proto';
import type * as ws from '@pi-forge/proto/workspace';
import { ProjectsListBackup } from './projects-list-backup.js';

@Controller()
export class ProjectsBackupGrpcHandler implements Handles<ws.WorkspaceServiceController, ProjectsBackupGrpcHandler> {
  constructor(private readonly backup: ProjectsListBackup) {}

  @WorkspaceRpc.method
  exportProjectsList(): Promise<ws.ExportProjectsListResponse> {
    return this.backup.export();
  }

  @WorkspaceRpc.method
  importProjectsList(req: ws.ImportProjectsListRequest): Promise<ws.ImportProjectsListResponse> {
    return this.backup.import(Buffer.from(req.content ?? new Uint8Array()), req.dryRun);
  }
}
