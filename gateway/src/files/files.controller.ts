// /files (docs/compatibility.md#files-and-git): thin mapping onto the workspace service. Upload and download are
// streamed end to end (files/upload-forwarder.ts, files/download-response.ts).
import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SEARCH_ENGINE, TREE_NODE_TYPE } from '@pi-forge/proto';
import { TreeNodeType, type TreeNode } from '@pi-forge/proto/workspace';
import { WorkspaceClient } from '../clients/workspace.client.js';
import { RateLimit } from '../common/rate-limit.js';
import { BodyLimit } from '../common/route-options.js';
import { LARGE_BODY_LIMIT } from '../common/body-limits.js';
import {
  CompleteQuery,
  DeleteQuery,
  DownloadQuery,
  isTrue,
  MakeDirectoryDto,
  MovePathDto,
  PathQuery,
  RenamePathDto,
  SearchQuery,
  TreeQuery,
  WriteFileDto,
} from './files.dto.js';
import { forwardUpload } from './upload-forwarder.js';
import { sendDownload } from './download-response.js';

interface Tree {
  name: string;
  path: string;
  type: string;
  children?: Tree[];
  truncated?: boolean;
}

/** Files carry no children, and truncated only when set (the contract's optional fields). */
function shapeTree(node: TreeNode): Tree {
  const out: Tree = { name: node.name, path: node.path, type: TREE_NODE_TYPE.toWord(node.type) ?? 'file' };
  if (node.type === TreeNodeType.TREE_NODE_TYPE_DIRECTORY) out.children = (node.children ?? []).map(shapeTree);
  if (node.truncated) out.truncated = true;
  return out;
}

@Controller('files')
export class FilesController {
  constructor(private readonly workspace: WorkspaceClient) {}

  @Get('tree')
  async tree(@Query() q: TreeQuery) {
    const r = await this.workspace.getFileTree({ projectId: q.projectId, maxDepth: q.maxDepth ? Number(q.maxDepth) : 0 });
    if (!r.root) throw new Error('workspace answered a tree without a root');
    return shapeTree(r.root);
  }

  @Get('read')
  read(@Query() q: PathQuery) {
    return this.workspace.readFile({ projectId: q.projectId, path: q.path });
  }

  @Put('write')
  @BodyLimit(LARGE_BODY_LIMIT)
  write(@Body() body: WriteFileDto) {
    return this.workspace.writeFile(body);
  }

  @Post('mkdir')
  @HttpCode(200)
  mkdir(@Body() body: MakeDirectoryDto) {
    return this.workspace.makeDirectory(body);
  }

  @Post('rename')
  @HttpCode(200)
  rename(@Body() body: RenamePathDto) {
    return this.workspace.renamePath(body);
  }

  @Post('move')
  @HttpCode(200)
  move(@Body() body: MovePathDto) {
    return this.workspace.movePath(body);
  }

  @Delete('delete')
  @HttpCode(204)
  async delete(@Query() q: DeleteQuery): Promise<void> {
    await this.workspace.deletePath({ projectId: q.projectId, path: q.path, recursive: isTrue(q.recursive) });
  }

  @Get('search')
  @RateLimit('search')
  async search(@Query() q: SearchQuery) {
    const r = await this.workspace.searchFiles({
      projectId: q.projectId,
      query: q.q,
      regex: isTrue(q.regex),
      caseSensitive: isTrue(q.caseSensitive),
      includeGitignored: isTrue(q.includeGitignored),
      include: q.include ?? '',
      exclude: q.exclude ?? '',
      limit: q.limit ? Number(q.limit) : 0,
    });
    return { engine: SEARCH_ENGINE.toWord(r.engine) ?? 'node', truncated: r.truncated, matches: r.matches ?? [] };
  }

  @Get('complete')
  async complete(@Query() q: CompleteQuery) {
    const r = await this.workspace.completePaths({ projectId: q.projectId, query: q.query ?? '', limit: q.limit ? Number(q.limit) : 0 });
    return { paths: r.paths ?? [] };
  }

  @Get('download')
  async download(@Query() q: DownloadQuery, @Res() reply: FastifyReply): Promise<void> {
    await sendDownload(this.workspace, { projectId: q.projectId, path: q.path ?? '' }, reply);
  }

  @Post('upload')
  @HttpCode(200)
  @RateLimit('upload')
  upload(@Req() req: FastifyRequest) {
    return forwardUpload(this.workspace, req);
  }
}
