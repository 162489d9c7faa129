import { Controller } from '@nestjs/common';
import { WorkspaceRpc, type Handles } from '@pi-forge/proto';
import type * as ws from '@pi-forge/proto/workspace';
import { ProjectGit } from './project-git.js';

@Controller()
export class GitGrpcHandler implements Handles<ws.WorkspaceServiceController, GitGrpcHandler> {
  constructor(private readonly git: ProjectGit) {}

  @WorkspaceRpc.method
  gitInit(req: ws.GitInitRequest): Promise<ws.GitInitResponse> {
    return this.git.init(req);
  }

  @WorkspaceRpc.method
  getGitStatus(req: ws.GetGitStatusRequest): Promise<ws.GetGitStatusResponse> {
    return this.git.status(req);
  }

  @WorkspaceRpc.method
  getGitDiff(req: ws.GetGitDiffRequest): Promise<ws.GetGitDiffResponse> {
    return this.git.diff(req, req.staged, req.path);
  }

  @WorkspaceRpc.method
  getGitLog(req: ws.GetGitLogRequest): Promise<ws.GetGitLogResponse> {
    return this.git.log(req, req.limit);
  }

  @WorkspaceRpc.method
  listGitBranches(req: ws.ListGitBranchesRequest): Promise<ws.ListGitBranchesResponse> {
    return this.git.branches(req);
  }

  @WorkspaceRpc.method
  async gitCheckout(req: ws.GitCheckoutRequest): Promise<ws.GitCheckoutResponse> {
    await this.git.checkout(req, req.branch);
    return {};
  }

  @WorkspaceRpc.method
  async createGitBranch(req: ws.CreateGitBranchRequest): Promise<ws.CreateGitBranchResponse> {
    await this.git.createBranch(req, req.name, req.startPoint, req.checkout);
    return {};
  }

  @WorkspaceRpc.method
  async deleteGitBranch(req: ws.DeleteGitBranchRequest): Promise<ws.DeleteGitBranchResponse> {
    await this.git.deleteBranch(req, req.name, req.force);
    return {};
  }

  @WorkspaceRpc.method
  async gitStage(req: ws.GitStageRequest): Promise<ws.GitStageResponse> {
    await this.git.stage(req, req.paths);
    return {};
  }

  @WorkspaceRpc.method
  async gitUnstage(req: ws.GitUnstageRequest): Promise<ws.GitUnstageResponse> {
    await this.git.unstage(req, req.paths);
    return {};
  }

  @WorkspaceRpc.method
  async gitRevert(req: ws.GitRevertRequest): Promise<ws.GitRevertResponse> {
    await this.git.revert(req, req.paths);
    return {};
  }

  @WorkspaceRpc.method
  gitCommit(req: ws.GitCommitRequest): Promise<ws.GitCommitResponse> {
    return this.git.commit(req, req.message);
  }

  @WorkspaceRpc.method
  gitFetch(req: ws.GitFetchRequest): Promise<ws.GitFetchResponse> {
    return this.git.fetch(req, req.remote, req.prune);
  }

  @WorkspaceRpc.method
  gitPull(req: ws.GitPullRequest): Promise<ws.GitPullResponse> {
    return this.git.pull(req, req.remote, req.branch, req.rebase);
  }

  @WorkspaceRpc.method
  gitPush(req: ws.GitPushRequest): Promise<ws.GitPushResponse> {
    return this.git.push(req, req.remote, req.branch, req.setUpstream);
  }

  @WorkspaceRpc.method
  listGitRemotes(req: ws.ListGitRemotesRequest): Promise<ws.ListGitRemotesResponse> {
    return this.git.remotes(req);
  }

  @WorkspaceRpc.method
  async addGitRemote(req: ws.AddGitRemoteRequest): Promise<ws.AddGitRemoteResponse> {
    await this.git.addRemote(req, req.name, req.url, req.insecureTls);
    return {};
  }

  @WorkspaceRpc.method
  async removeGitRemote(req: ws.RemoveGitRemoteRequest): Promise<ws.RemoveGitRemoteResponse> {
    await this.git.removeRemote(req, req.name);
    return {};
  }

  @WorkspaceRpc.method
  async setGitRemoteTls(req: ws.SetGitRemoteTlsRequest): Promise<ws.SetGitRemoteTlsResponse> {
    await this.git.setRemoteTls(req, req.name, req.insecureTls);
    return {};
  }

  @WorkspaceRpc.method
  listGitWorktrees(req: ws.ListGitWorktreesRequest): Promise<ws.ListGitWorktreesResponse> {
    return this.git.worktrees(req);
  }

  @WorkspaceRpc.method
  applyGitHunks(req: ws.ApplyGitHunksRequest): Promise<ws.ApplyGitHunksResponse> {
    return this.git.applyHunks(req, req.path, req.mode, req.hunkIndices ?? []);
  }
}
