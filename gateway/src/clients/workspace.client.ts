// The gateway's way to the workspace service. Unary calls return promises; the streaming calls
// (upload, download, clone) hand back raw grpc-js streams so routes can apply backpressure.
import { Inject, Injectable } from '@nestjs/common';
import type { ClientReadableStream, ClientWritableStream } from '@grpc/grpc-js';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { WORKSPACE_CONTRACT, type PromiseClient, type RequestOf, type ResponseOf, type RpcName } from '@pi-forge/proto';
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

type Rpc = ws.WorkspaceServiceClient;

/** Every WorkspaceService RPC as a promise, except the transfers (raw streams). */
@Injectable()
export class WorkspaceClient extends ServiceClient<Rpc> implements PromiseClient<Rpc, 'cloneProject' | 'downloadPath' | 'uploadFiles'> {
  constructor(@Inject(CONFIG) config: ForgeConfig) {
    super(WORKSPACE_CONTRACT, config.WORKSPACE_GRPC_URL, config);
  }

  private call<M extends RpcName<Rpc>>(rpc: M, req: RequestOf<Rpc[M]>, timeoutMs = QUICK_CALL_MS): Promise<ResponseOf<Rpc[M]>> {
    return this.channel.unary(rpc, req, timeoutMs);
  }

  // Projects
  getStats(req: ws.GetStatsRequest = {}, timeoutMs = QUICK_CALL_MS): Promise<ws.GetStatsResponse> {
    return this.call('getStats', req, timeoutMs);
  }

  listProjects(req: ws.ListProjectsRequest = {}): Promise<ws.ListProjectsResponse> {
    return this.call('listProjects', req);
  }
  getProject(req: ws.GetProjectRequest): Promise<ws.GetProjectResponse> {
    return this.call('getProject', req);
  }
  createProject(req: ws.CreateProjectRequest): Promise<ws.CreateProjectResponse> {
    return this.call('createProject', req);
  }
  renameProject(req: ws.RenameProjectRequest): Promise<ws.RenameProjectResponse> {
    return this.call('renameProject', req);
  }
  reorderProjects(req: ws.ReorderProjectsRequest): Promise<ws.ReorderProjectsResponse> {
    return this.call('reorderProjects', req);
  }
  deleteProject(req: ws.DeleteProjectRequest): Promise<ws.DeleteProjectResponse> {
    return this.call('deleteProject', req, FS_CALL_MS);
  }
  browseFolders(req: ws.BrowseFoldersRequest): Promise<ws.BrowseFoldersResponse> {
    return this.call('browseFolders', req);
  }
  createFolder(req: ws.CreateFolderRequest): Promise<ws.CreateFolderResponse> {
    return this.call('createFolder', req);
  }
  getSystemPromptAddendum(req: ws.GetSystemPromptAddendumRequest): Promise<ws.GetSystemPromptAddendumResponse> {
    return this.call('getSystemPromptAddendum', req);
  }
  setSystemPromptAddendum(req: ws.SetSystemPromptAddendumRequest): Promise<ws.SetSystemPromptAddendumResponse> {
    return this.call('setSystemPromptAddendum', req);
  }
  cloneProject(req: ws.CloneProjectRequest): ClientReadableStream<ws.CloneProjectResponse> {
    return this.channel.serverStream('cloneProject', req, TRANSFER_CALL_MS);
  }

  // Files
  getFileTree(req: ws.GetFileTreeRequest): Promise<ws.GetFileTreeResponse> {
    return this.call('getFileTree', req, FS_CALL_MS);
  }
  readFile(req: ws.ReadFileRequest): Promise<ws.ReadFileResponse> {
    return this.call('readFile', req);
  }
  writeFile(req: ws.WriteFileRequest): Promise<ws.WriteFileResponse> {
    return this.call('writeFile', req);
  }
  makeDirectory(req: ws.MakeDirectoryRequest): Promise<ws.MakeDirectoryResponse> {
    return this.call('makeDirectory', req);
  }
  renamePath(req: ws.RenamePathRequest): Promise<ws.RenamePathResponse> {
    return this.call('renamePath', req);
  }
  movePath(req: ws.MovePathRequest): Promise<ws.MovePathResponse> {
    return this.call('movePath', req);
  }
  deletePath(req: ws.DeletePathRequest): Promise<ws.DeletePathResponse> {
    return this.call('deletePath', req, FS_CALL_MS);
  }
  searchFiles(req: ws.SearchFilesRequest): Promise<ws.SearchFilesResponse> {
    return this.call('searchFiles', req, 45_000);
  }
  completePaths(req: ws.CompletePathsRequest): Promise<ws.CompletePathsResponse> {
    return this.call('completePaths', req, FS_CALL_MS);
  }
  downloadPath(req: ws.DownloadPathRequest): ClientReadableStream<ws.DownloadPathResponse> {
    return this.channel.serverStream('downloadPath', req, TRANSFER_CALL_MS);
  }

  /** Opens an upload: write UploadFilesRequest messages (honouring write()'s false), then end(). */
  uploadFiles(): UploadCall {
    return this.channel.clientStream('uploadFiles', TRANSFER_CALL_MS);
  }

  // Git
  gitInit(req: ws.GitInitRequest): Promise<ws.GitInitResponse> {
    return this.call('gitInit', req, FS_CALL_MS);
  }
  getGitStatus(req: ws.GetGitStatusRequest): Promise<ws.GetGitStatusResponse> {
    return this.call('getGitStatus', req, FS_CALL_MS);
  }
  getGitDiff(req: ws.GetGitDiffRequest): Promise<ws.GetGitDiffResponse> {
    return this.call('getGitDiff', req, FS_CALL_MS);
  }
  getGitLog(req: ws.GetGitLogRequest): Promise<ws.GetGitLogResponse> {
    return this.call('getGitLog', req, FS_CALL_MS);
  }
  listGitBranches(req: ws.ListGitBranchesRequest): Promise<ws.ListGitBranchesResponse> {
    return this.call('listGitBranches', req, FS_CALL_MS);
  }
  gitCheckout(req: ws.GitCheckoutRequest): Promise<ws.GitCheckoutResponse> {
    return this.call('gitCheckout', req, FS_CALL_MS);
  }
  createGitBranch(req: ws.CreateGitBranchRequest): Promise<ws.CreateGitBranchResponse> {
    return this.call('createGitBranch', req, FS_CALL_MS);
  }
  deleteGitBranch(req: ws.DeleteGitBranchRequest): Promise<ws.DeleteGitBranchResponse> {
    return this.call('deleteGitBranch', req, FS_CALL_MS);
  }
  gitStage(req: ws.GitStageRequest): Promise<ws.GitStageResponse> {
    return this.call('gitStage', req, FS_CALL_MS);
  }
  gitUnstage(req: ws.GitUnstageRequest): Promise<ws.GitUnstageResponse> {
    return this.call('gitUnstage', req, FS_CALL_MS);
  }
  gitRevert(req: ws.GitRevertRequest): Promise<ws.GitRevertResponse> {
    return this.call('gitRevert', req, FS_CALL_MS);
  }
  gitCommit(req: ws.GitCommitRequest): Promise<ws.GitCommitResponse> {
    return this.call('gitCommit', req, FS_CALL_MS);
  }
  gitFetch(req: ws.GitFetchRequest): Promise<ws.GitFetchResponse> {
    return this.call('gitFetch', req, NETWORK_CALL_MS);
  }
  gitPull(req: ws.GitPullRequest): Promise<ws.GitPullResponse> {
    return this.call('gitPull', req, NETWORK_CALL_MS);
  }
  gitPush(req: ws.GitPushRequest): Promise<ws.GitPushResponse> {
    return this.call('gitPush', req, NETWORK_CALL_MS);
  }
  listGitRemotes(req: ws.ListGitRemotesRequest): Promise<ws.ListGitRemotesResponse> {
    return this.call('listGitRemotes', req, FS_CALL_MS);
  }
  addGitRemote(req: ws.AddGitRemoteRequest): Promise<ws.AddGitRemoteResponse> {
    return this.call('addGitRemote', req, FS_CALL_MS);
  }
  removeGitRemote(req: ws.RemoveGitRemoteRequest): Promise<ws.RemoveGitRemoteResponse> {
    return this.call('removeGitRemote', req, FS_CALL_MS);
  }
  setGitRemoteTls(req: ws.SetGitRemoteTlsRequest): Promise<ws.SetGitRemoteTlsResponse> {
    return this.call('setGitRemoteTls', req, FS_CALL_MS);
  }
  listGitWorktrees(req: ws.ListGitWorktreesRequest): Promise<ws.ListGitWorktreesResponse> {
    return this.call('listGitWorktrees', req, FS_CALL_MS);
  }
  applyGitHunks(req: ws.ApplyGitHunksRequest): Promise<ws.ApplyGitHunksResponse> {
    return this.call('applyGitHunks', req, FS_CALL_MS);
  }
}
