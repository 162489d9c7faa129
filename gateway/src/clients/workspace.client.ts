// The gateway's way to the workspace service. Unary calls return promises; the streaming calls
// (upload, download, clone) hand back raw grpc-js streams so routes can apply backpressure.
import { Inject, Injectable } from '@nestjs/common';
import { Metadata, type ClientReadableStream, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { WORKSPACE_CONTRACT } from '@pi-forge/proto';
import type * as ws from '@pi-forge/proto/workspace';
import { QUICK_CALL_MS, ServiceClient } from './service-client.js';

/** File-system calls that may walk a large tree or run git locally. */
const FS_CALL_MS = 60_000;
/** Fetch, pull and push wait for a remote (the service has its own 5 min cap). */
const NETWORK_CALL_MS = 6 * 60_000;
/** Uploads and downloads of hundreds of MB, and clones (30 min in the contract). */
const TRANSFER_CALL_MS = 35 * 60_000;

export interface UploadCall {
  stream: ClientWritableStream<ws.UploadFilesRequest>;
  result: Promise<ws.UploadFilesResponse>;
}

type StreamFn = (...args: unknown[]) => unknown;

@Injectable()
export class WorkspaceClient extends ServiceClient {
  constructor(@Inject(CONFIG) config: ForgeConfig) {
    super(WORKSPACE_CONTRACT, config.WORKSPACE_GRPC_URL, config);
  }

  private call<Res>(method: string, req: unknown, timeoutMs = QUICK_CALL_MS): Promise<Res> {
    return this.channel.unary(method, req, timeoutMs);
  }

  private serverStream<Res>(method: string, req: unknown, timeoutMs: number): ClientReadableStream<Res> {
    const fn = this.channel.stub[method] as StreamFn;
    return fn.call(this.channel.stub, req, new Metadata(), { deadline: Date.now() + timeoutMs }) as ClientReadableStream<Res>;
  }

  // Projects. Other services' callers rely on getProject(id) keeping this shape.
  listProjects(): Promise<ws.ListProjectsResponse> { return this.call('ListProjects', {}); }
  getProject(id: string): Promise<ws.GetProjectResponse> { return this.call('GetProject', { id }); }
  createProject(req: ws.CreateProjectRequest): Promise<ws.CreateProjectResponse> { return this.call('CreateProject', req); }
  renameProject(req: ws.RenameProjectRequest): Promise<ws.RenameProjectResponse> { return this.call('RenameProject', req); }
  reorderProjects(req: ws.ReorderProjectsRequest): Promise<ws.ReorderProjectsResponse> { return this.call('ReorderProjects', req); }
  deleteProject(id: string): Promise<ws.DeleteProjectResponse> { return this.call('DeleteProject', { id }, FS_CALL_MS); }
  browseFolders(req: ws.BrowseFoldersRequest): Promise<ws.BrowseFoldersResponse> { return this.call('BrowseFolders', req); }
  createFolder(req: ws.CreateFolderRequest): Promise<ws.CreateFolderResponse> { return this.call('CreateFolder', req); }
  getSystemPromptAddendum(projectId: string): Promise<ws.GetSystemPromptAddendumResponse> { return this.call('GetSystemPromptAddendum', { projectId }); }
  setSystemPromptAddendum(req: ws.SetSystemPromptAddendumRequest): Promise<ws.SetSystemPromptAddendumResponse> { return this.call('SetSystemPromptAddendum', req); }
  cloneProject(req: ws.CloneProjectRequest): ClientReadableStream<ws.CloneProjectResponse> { return this.serverStream('CloneProject', req, TRANSFER_CALL_MS); }

  // Files
  getFileTree(req: ws.GetFileTreeRequest): Promise<ws.GetFileTreeResponse> { return this.call('GetFileTree', req, FS_CALL_MS); }
  readFile(req: ws.ReadFileRequest): Promise<ws.ReadFileResponse> { return this.call('ReadFile', req); }
  writeFile(req: ws.WriteFileRequest): Promise<ws.WriteFileResponse> { return this.call('WriteFile', req); }
  makeDirectory(req: ws.MakeDirectoryRequest): Promise<ws.MakeDirectoryResponse> { return this.call('MakeDirectory', req); }
  renamePath(req: ws.RenamePathRequest): Promise<ws.RenamePathResponse> { return this.call('RenamePath', req); }
  movePath(req: ws.MovePathRequest): Promise<ws.MovePathResponse> { return this.call('MovePath', req); }
  deletePath(req: ws.DeletePathRequest): Promise<ws.DeletePathResponse> { return this.call('DeletePath', req, FS_CALL_MS); }
  searchFiles(req: ws.SearchFilesRequest): Promise<ws.SearchFilesResponse> { return this.call('SearchFiles', req, 45_000); }
  completePaths(req: ws.CompletePathsRequest): Promise<ws.CompletePathsResponse> { return this.call('CompletePaths', req, FS_CALL_MS); }
  downloadPath(req: ws.DownloadPathRequest): ClientReadableStream<ws.DownloadPathResponse> { return this.serverStream('DownloadPath', req, TRANSFER_CALL_MS); }

  /** Opens an upload: write UploadFilesRequest messages (honouring write()'s false), then end(). */
  uploadFiles(): UploadCall {
    let stream!: ClientWritableStream<ws.UploadFilesRequest>;
    const result = new Promise<ws.UploadFilesResponse>((resolve, reject) => {
      const fn = this.channel.stub.UploadFiles as StreamFn;
      stream = fn.call(this.channel.stub, new Metadata(), { deadline: Date.now() + TRANSFER_CALL_MS }, (err: ServiceError | null, res: ws.UploadFilesResponse) => (err ? reject(err) : resolve(res))) as ClientWritableStream<ws.UploadFilesRequest>;
    });
    return { stream, result };
  }

  // Git
  gitInit(req: ws.GitInitRequest): Promise<ws.GitInitResponse> { return this.call('GitInit', req, FS_CALL_MS); }
  getGitStatus(req: ws.GetGitStatusRequest): Promise<ws.GetGitStatusResponse> { return this.call('GetGitStatus', req, FS_CALL_MS); }
  getGitDiff(req: ws.GetGitDiffRequest): Promise<ws.GetGitDiffResponse> { return this.call('GetGitDiff', req, FS_CALL_MS); }
  getGitLog(req: ws.GetGitLogRequest): Promise<ws.GetGitLogResponse> { return this.call('GetGitLog', req, FS_CALL_MS); }
  listGitBranches(req: ws.ListGitBranchesRequest): Promise<ws.ListGitBranchesResponse> { return this.call('ListGitBranches', req, FS_CALL_MS); }
  gitCheckout(req: ws.GitCheckoutRequest): Promise<ws.GitCheckoutResponse> { return this.call('GitCheckout', req, FS_CALL_MS); }
  createGitBranch(req: ws.CreateGitBranchRequest): Promise<ws.CreateGitBranchResponse> { return this.call('CreateGitBranch', req, FS_CALL_MS); }
  deleteGitBranch(req: ws.DeleteGitBranchRequest): Promise<ws.DeleteGitBranchResponse> { return this.call('DeleteGitBranch', req, FS_CALL_MS); }
  gitStage(req: ws.GitStageRequest): Promise<ws.GitStageResponse> { return this.call('GitStage', req, FS_CALL_MS); }
  gitUnstage(req: ws.GitUnstageRequest): Promise<ws.GitUnstageResponse> { return this.call('GitUnstage', req, FS_CALL_MS); }
  gitRevert(req: ws.GitRevertRequest): Promise<ws.GitRevertResponse> { return this.call('GitRevert', req, FS_CALL_MS); }
  gitCommit(req: ws.GitCommitRequest): Promise<ws.GitCommitResponse> { return this.call('GitCommit', req, FS_CALL_MS); }
  gitFetch(req: ws.GitFetchRequest): Promise<ws.GitFetchResponse> { return this.call('GitFetch', req, NETWORK_CALL_MS); }
  gitPull(req: ws.GitPullRequest): Promise<ws.GitPullResponse> { return this.call('GitPull', req, NETWORK_CALL_MS); }
  gitPush(req: ws.GitPushRequest): Promise<ws.GitPushResponse> { return this.call('GitPush', req, NETWORK_CALL_MS); }
  listGitRemotes(req: ws.ListGitRemotesRequest): Promise<ws.ListGitRemotesResponse> { return this.call('ListGitRemotes', req, FS_CALL_MS); }
  addGitRemote(req: ws.AddGitRemoteRequest): Promise<ws.AddGitRemoteResponse> { return this.call('AddGitRemote', req, FS_CALL_MS); }
  removeGitRemote(req: ws.RemoveGitRemoteRequest): Promise<ws.RemoveGitRemoteResponse> { return this.call('RemoveGitRemote', req, FS_CALL_MS); }
  setGitRemoteTls(req: ws.SetGitRemoteTlsRequest): Promise<ws.SetGitRemoteTlsResponse> { return this.call('SetGitRemoteTls', req, FS_CALL_MS); }
  listGitWorktrees(req: ws.ListGitWorktreesRequest): Promise<ws.ListGitWorktreesResponse> { return this.call('ListGitWorktrees', req, FS_CALL_MS); }
  applyGitHunks(req: ws.ApplyGitHunksRequest): Promise<ws.ApplyGitHunksResponse> { return this.call('ApplyGitHunks', req, FS_CALL_MS); }
}
