import { Controller } from '@nestjs/common';
import type { Metadata, ServerReadableStream, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import { WorkspaceRpc, type Handles } from '@pi-forge/proto';
import type * as ws from '@pi-forge/proto/workspace';
import { ProjectFiles } from './project-files.js';
import { UploadReceiver } from './upload-receiver.js';
import { DownloadStreamer } from './download-streamer.js';

@Controller()
export class FilesGrpcHandler implements Handles<ws.WorkspaceServiceController, FilesGrpcHandler, 'uploadFiles' | 'downloadPath'> {
  constructor(
    private readonly files: ProjectFiles,
    private readonly uploads: UploadReceiver,
    private readonly downloads: DownloadStreamer,
  ) {}

  @WorkspaceRpc.method
  async getFileTree(req: ws.GetFileTreeRequest): Promise<ws.GetFileTreeResponse> {
    return { root: await this.files.tree(req.projectId, req.maxDepth) };
  }

  @WorkspaceRpc.method
  readFile(req: ws.ReadFileRequest): Promise<ws.ReadFileResponse> {
    return this.files.read(req.projectId, req.path);
  }

  @WorkspaceRpc.method
  writeFile(req: ws.WriteFileRequest): Promise<ws.WriteFileResponse> {
    return this.files.write(req.projectId, req.path, req.content);
  }

  @WorkspaceRpc.method
  makeDirectory(req: ws.MakeDirectoryRequest): Promise<ws.MakeDirectoryResponse> {
    return this.files.mkdir(req.projectId, req.parentPath, req.name);
  }

  @WorkspaceRpc.method
  renamePath(req: ws.RenamePathRequest): Promise<ws.RenamePathResponse> {
    return this.files.rename(req.projectId, req.path, req.name);
  }

  @WorkspaceRpc.method
  movePath(req: ws.MovePathRequest): Promise<ws.MovePathResponse> {
    return this.files.move(req.projectId, req.src, req.dest);
  }

  @WorkspaceRpc.method
  async deletePath(req: ws.DeletePathRequest): Promise<ws.DeletePathResponse> {
    await this.files.delete(req.projectId, req.path, req.recursive);
    return {};
  }

  /** Client stream: the raw call is read with for-await, so disk speed paces the sender. */
  @WorkspaceRpc.streamCall
  async uploadFiles(
    call: ServerReadableStream<ws.UploadFilesRequest, ws.UploadFilesResponse>,
    callback: sendUnaryData<ws.UploadFilesResponse>,
  ): Promise<void> {
    try {
      callback(null, await this.uploads.receive(call));
    } catch (err) {
      const error = (err as { getError?: () => { code: number; message: string } }).getError?.();
      callback(
        error
          ? { code: error.code, details: error.message, name: 'ForgeError', message: error.message }
          : { code: 13, details: 'upload failed', name: 'Error', message: 'upload failed' },
      );
    }
  }

  @WorkspaceRpc.method
  downloadPath(
    req: ws.DownloadPathRequest,
    _meta: Metadata,
    call: ServerWritableStream<ws.DownloadPathRequest, ws.DownloadPathResponse>,
  ): Promise<Observable<ws.DownloadPathResponse>> {
    return this.downloads.open(req.projectId, req.path, call);
  }
}
