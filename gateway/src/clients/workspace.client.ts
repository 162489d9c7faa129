// The gateway's way to the workspace service.
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { WORKSPACE_CONTRACT } from '@pi-forge/proto';
import type * as workspace from '@pi-forge/proto/workspace';
import { QUICK_CALL_MS, ServiceClient } from './service-client.js';

@Injectable()
export class WorkspaceClient extends ServiceClient {
  constructor(@Inject(CONFIG) config: ForgeConfig) {
    super(WORKSPACE_CONTRACT, config.WORKSPACE_GRPC_URL);
  }

  listProjects(): Promise<workspace.ListProjectsResponse> {
    return this.channel.unary('ListProjects', {}, QUICK_CALL_MS);
  }

  getProject(id: string): Promise<workspace.GetProjectResponse> {
    return this.channel.unary('GetProject', { id }, QUICK_CALL_MS);
  }
}
