import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type * as ws from '@pi-forge/proto/workspace';
import { ContentSearch } from './content-search.js';
import { PathCompletion } from './path-completion.js';

@Controller()
export class SearchController {
  constructor(private readonly search: ContentSearch, private readonly completion: PathCompletion) {}

  @GrpcMethod('WorkspaceService', 'SearchFiles')
  searchFiles(req: ws.SearchFilesRequest): Promise<ws.SearchFilesResponse> {
    return this.search.search(req);
  }

  @GrpcMethod('WorkspaceService', 'CompletePaths')
  async completePaths(req: ws.CompletePathsRequest): Promise<ws.CompletePathsResponse> {
    return { paths: await this.completion.complete(req.projectId, req.query, req.limit) };
  }
}
