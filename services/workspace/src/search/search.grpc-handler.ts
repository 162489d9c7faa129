import { Controller } from '@nestjs/common';
import { WorkspaceRpc, type Handles } from '@pi-forge/proto';
import type * as ws from '@pi-forge/proto/workspace';
import { ContentSearch } from './content-search.js';
import { PathCompletion } from './path-completion.js';

@Controller()
export class SearchGrpcHandler implements Handles<ws.WorkspaceServiceController, SearchGrpcHandler> {
  constructor(
    private readonly search: ContentSearch,
    private readonly completion: PathCompletion,
  ) {}

  @WorkspaceRpc.method
  searchFiles(req: ws.SearchFilesRequest): Promise<ws.SearchFilesResponse> {
    return this.search.search(req);
  }

  @WorkspaceRpc.method
  async completePaths(req: ws.CompletePathsRequest): Promise<ws.CompletePathsResponse> {
    return { paths: await this.completion.complete(req.projectId, req.query, req.limit) };
  }
}
