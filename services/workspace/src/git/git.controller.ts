import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type * as ws from '@pi-forge/proto/workspace';
import { ProjectGit } from './project-git.js';

@Controller()
export class GitController {
  constructor(private readonly git: ProjectGit) {}

  @GrpcMethod('WorkspaceService', 'GitInit')
  gitInit(req: ws.GitInitRequest): Promise<ws.GitInitResponse> { return this.git.init(req); }

  @GrpcMethod('WorkspaceService', 'GetGitStatus')
  getGitStatus(req: ws.GetGitStatusRequest): Promise<ws.GetGitStatusResponse> { return this.git.status(req); }

  @GrpcMethod('WorkspaceService', 'GetGitDiff')
  getGitDiff(req: ws.GetGitDiffRequest): Promise<ws.GetGitDiffResponse> { return this.git.diff(req, req.staged, req.path); }

  @GrpcMethod('WorkspaceService', 'GetGitLog')
  getGitLog(req: ws.GetGitLogRequest): Promise<ws.GetGitLogResponse> { return this.git.log(req, req.limit); }

  @GrpcMethod('WorkspaceService', 'ListGitBranches')
  listGitBranches(req: ws.ListGitBranchesRequest): Promise<ws.ListGitBranchesResponse> { return this.git.branches(req); }

  @GrpcMethod('WorkspaceService', 'GitCheckout')
  async gitCheckout(req: ws.GitCheckoutRequest): Promise<ws.GitCheckoutResponse> { await this.git.checkout(req, req.branch); return {}; }

  @GrpcMethod('WorkspaceService', 'CreateGitBranch')
  async createGitBranch(req: ws.CreateGitBranchRequest): Promise<ws.CreateGitBranchResponse> { await this.git.createBranch(req, req.name, req.startPoint, req.checkout); return {}; }

  @GrpcMethod('WorkspaceService', 'DeleteGitBranch')
  async deleteGitBranch(req: ws.DeleteGitBranchRequest): Promise<ws.DeleteGitBranchResponse> { await this.git.deleteBranch(req, req.name, req.force); return {}; }

  @GrpcMethod('WorkspaceService', 'GitStage')
  async gitStage(req: ws.GitStageRequest): Promise<ws.GitStageResponse> { await this.git.stage(req, req.paths); return {}; }

  @GrpcMethod('WorkspaceService', 'GitUnstage')
  async gitUnstage(req: ws.GitUnstageRequest): Promise<ws.GitUnstageResponse> { await this.git.unstage(req, req.paths); return {}; }

  @GrpcMethod('WorkspaceService', 'GitRevert')
  async gitRevert(req: ws.GitRevertRequest): Promise<ws.GitRevertResponse> { await this.git.revert(req, req.paths); return {}; }

  @GrpcMethod('WorkspaceService', 'GitCommit')
  gitCommit(req: ws.GitCommitRequest): Promise<ws.GitCommitResponse> { return this.git.commit(req, req.message); }

  @GrpcMethod('WorkspaceService', 'GitFetch')
  gitFetch(req: ws.GitFetchRequest): Promise<ws.GitFetchResponse> { return this.git.fetch(req, req.remote, req.prune); }

  @GrpcMethod('WorkspaceService', 'GitPull')
  gitPull(req: ws.GitPullRequest): Promise<ws.GitPullResponse> { return this.git.pull(req, req.remote, req.branch, req.rebase); }

  @GrpcMethod('WorkspaceService', 'GitPush')
  gitPush(req: ws.GitPushRequest): Promise<ws.GitPushResponse> { return this.git.push(req, req.remote, req.branch, req.setUpstream); }

  @GrpcMethod('WorkspaceService', 'ListGitRemotes')
  listGitRemotes(req: ws.ListGitRemotesRequest): Promise<ws.ListGitRemotesResponse> { return this.git.remotes(req); }

  @GrpcMethod('WorkspaceService', 'AddGitRemote')
  async addGitRemote(req: ws.AddGitRemoteRequest): Promise<ws.AddGitRemoteResponse> { await this.git.addRemote(req, req.name, req.url, req.insecureTls); return {}; }

  @GrpcMethod('WorkspaceService', 'RemoveGitRemote')
  async removeGitRemote(req: ws.RemoveGitRemoteRequest): Promise<ws.RemoveGitRemoteResponse> { await this.git.removeRemote(req, req.name); return {}; }

  @GrpcMethod('WorkspaceService', 'SetGitRemoteTls')
  async setGitRemoteTls(req: ws.SetGitRemoteTlsRequest): Promise<ws.SetGitRemoteTlsResponse> { await this.git.setRemoteTls(req, req.name, req.insecureTls); return {}; }

  @GrpcMethod('WorkspaceService', 'ListGitWorktrees')
  listGitWorktrees(req: ws.ListGitWorktreesRequest): Promise<ws.ListGitWorktreesResponse> { return this.git.worktrees(req); }

  @GrpcMethod('WorkspaceService', 'ApplyGitHunks')
  applyGitHunks(req: ws.ApplyGitHunksRequest): Promise<ws.ApplyGitHunksResponse> { return this.git.applyHunks(req, req.path, req.mode, req.hunkIndices ?? []); }
}
