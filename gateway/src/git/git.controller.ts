// /git (contract §2.9): thin mapping onto the workspace service's git RPCs. Worktrees can be
// listed, but operations run only in the project folder's own worktree: any other worktreePath is 400.
import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { WorkspaceClient } from '../clients/workspace.client.js';
import { RateLimit } from '../common/rate-limit.js';
import { isTrue } from '../files/files.dto.js';
import {
  GitBody, GitCheckoutDto, GitCommitDto, GitCreateBranchDto, GitDeleteBranchQuery, GitFetchDto, GitFileDiffQuery, GitLogQuery, GitPathsDto, GitPullDto, GitPushDto, GitQuery, GitRemoteAddDto, GitApplyHunksDto, GitRemoteTlsDto,
} from './git.dto.js';

const OK = { ok: true } as const;

@Controller('git')
export class GitController {
  constructor(private readonly workspace: WorkspaceClient) {}

  /** Accepts only the main worktree (the project folder) until worktrees are implemented. */
  private async checkWorktree(q: { projectId: string; worktreePath?: string }): Promise<string> {
    if (q.worktreePath) {
      const { project } = await this.workspace.getProject(q.projectId);
      if (q.worktreePath.replace(/\/+$/, '') !== project?.path) throw new BadRequestException({ error: 'invalid_worktree_path', message: 'worktreePath is not a worktree of this project' });
    }
    return q.projectId;
  }

  @Post('init')
  @HttpCode(200)
  async init(@Body() b: GitBody) {
    const r = await this.workspace.gitInit({ projectId: await this.checkWorktree(b) });
    return { alreadyInitialised: r.alreadyInitialised, isGitRepo: true };
  }

  @Get('status')
  async status(@Query() q: GitQuery) {
    const r = await this.workspace.getGitStatus({ projectId: await this.checkWorktree(q) });
    if (!r.isGitRepo) return { isGitRepo: false, files: [] };
    return {
      isGitRepo: true,
      ...(r.branch ? { branch: r.branch } : {}),
      files: (r.files ?? []).map(({ originalPath, ...f }) => (originalPath ? { ...f, originalPath } : f)),
    };
  }

  @Get('diff')
  async diff(@Query() q: GitQuery) {
    return this.workspace.getGitDiff({ projectId: await this.checkWorktree(q), staged: false, path: '' });
  }

  @Get('diff/staged')
  async diffStaged(@Query() q: GitQuery) {
    return this.workspace.getGitDiff({ projectId: await this.checkWorktree(q), staged: true, path: '' });
  }

  @Get('diff/file')
  async diffFile(@Query() q: GitFileDiffQuery) {
    return this.workspace.getGitDiff({ projectId: await this.checkWorktree(q), staged: isTrue(q.staged), path: q.path });
  }

  @Get('log')
  async log(@Query() q: GitLogQuery) {
    const r = await this.workspace.getGitLog({ projectId: await this.checkWorktree(q), limit: q.limit ? Number(q.limit) : 0 });
    return { isGitRepo: r.isGitRepo, commits: r.commits ?? [] };
  }

  @Get('branches')
  async branches(@Query() q: GitQuery) {
    const r = await this.workspace.listGitBranches({ projectId: await this.checkWorktree(q) });
    return { isGitRepo: r.isGitRepo, ...(r.current ? { current: r.current } : {}), branches: r.branches ?? [] };
  }

  @Get('remotes')
  async remotes(@Query() q: GitQuery) {
    const r = await this.workspace.listGitRemotes({ projectId: await this.checkWorktree(q) });
    return { isGitRepo: r.isGitRepo, remotes: r.remotes ?? [] };
  }

  @Post('remote/add')
  @HttpCode(200)
  async addRemote(@Body() b: GitRemoteAddDto) {
    await this.workspace.addGitRemote({ projectId: await this.checkWorktree(b), name: b.name, url: b.url, insecureTls: b.insecureTls ?? false });
    return OK;
  }

  @Post('remote/tls')
  @HttpCode(200)
  async remoteTls(@Body() b: GitRemoteTlsDto) {
    await this.workspace.setGitRemoteTls({ projectId: await this.checkWorktree(b), name: b.name, insecureTls: b.insecureTls });
    return OK;
  }

  @Get('worktrees')
  async worktrees(@Query() q: GitQuery) {
    const r = await this.workspace.listGitWorktrees({ projectId: q.projectId });
    return {
      isGitRepo: r.isGitRepo,
      worktrees: (r.worktrees ?? []).map(({ head, branch, ...w }) => ({ path: w.path, ...(head ? { head } : {}), ...(branch ? { branch } : {}), bare: w.bare, detached: w.detached, current: w.current })),
    };
  }

  @Post('apply-hunks')
  @HttpCode(200)
  async applyHunks(@Body() b: GitApplyHunksDto) {
    const r = await this.workspace.applyGitHunks({ projectId: await this.checkWorktree(b), path: b.path, mode: b.mode, hunkIndices: b.hunkIndices });
    return r.ok ? { ok: true, totalHunks: r.totalHunks } : { ok: false, error: r.error, totalHunks: r.totalHunks };
  }

  @Delete('remote/:name')
  async removeRemote(@Param('name') name: string, @Query() q: GitQuery) {
    await this.workspace.removeGitRemote({ projectId: await this.checkWorktree(q), name });
    return OK;
  }

  @Post('checkout')
  @HttpCode(200)
  async checkout(@Body() b: GitCheckoutDto) {
    await this.workspace.gitCheckout({ projectId: await this.checkWorktree(b), branch: b.branch });
    return OK;
  }

  @Post('branch/create')
  @HttpCode(200)
  async createBranch(@Body() b: GitCreateBranchDto) {
    await this.workspace.createGitBranch({ projectId: await this.checkWorktree(b), name: b.name, startPoint: b.startPoint ?? '', checkout: b.checkout ?? false });
    return OK;
  }

  @Delete('branch/:name')
  async deleteBranch(@Param('name') name: string, @Query() q: GitDeleteBranchQuery) {
    await this.workspace.deleteGitBranch({ projectId: await this.checkWorktree(q), name, force: isTrue(q.force) });
    return OK;
  }

  @Post('stage')
  @HttpCode(200)
  async stage(@Body() b: GitPathsDto) {
    await this.workspace.gitStage({ projectId: await this.checkWorktree(b), paths: b.paths });
    return OK;
  }

  @Post('unstage')
  @HttpCode(200)
  async unstage(@Body() b: GitPathsDto) {
    await this.workspace.gitUnstage({ projectId: await this.checkWorktree(b), paths: b.paths });
    return OK;
  }

  @Post('revert')
  @HttpCode(200)
  async revert(@Body() b: GitPathsDto) {
    await this.workspace.gitRevert({ projectId: await this.checkWorktree(b), paths: b.paths });
    return OK;
  }

  @Post('commit')
  @HttpCode(200)
  async commit(@Body() b: GitCommitDto) {
    return this.workspace.gitCommit({ projectId: await this.checkWorktree(b), message: b.message });
  }

  @Post('fetch')
  @HttpCode(200)
  async fetch(@Body() b: GitFetchDto) {
    return this.workspace.gitFetch({ projectId: await this.checkWorktree(b), remote: b.remote ?? '', prune: b.prune ?? false });
  }

  @Post('pull')
  @HttpCode(200)
  async pull(@Body() b: GitPullDto) {
    return this.workspace.gitPull({ projectId: await this.checkWorktree(b), remote: b.remote ?? '', branch: b.branch ?? '', rebase: b.rebase ?? false });
  }

  @Post('push')
  @HttpCode(200)
  @RateLimit('push')
  async push(@Body() b: GitPushDto) {
    return this.workspace.gitPush({ projectId: await this.checkWorktree(b), remote: b.remote ?? '', branch: b.branch ?? '', setUpstream: b.setUpstream ?? false });
  }
}
