// /git (docs/compatibility.md#files-and-git): thin mapping onto the workspace service's git RPCs. Every route takes an
// optional worktreePath; the service checks it against `git worktree list` (400 invalid_worktree_path).
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { GIT_FILE_KIND, GIT_HUNK_MODE } from '@pi-forge/proto';
import { WorkspaceClient } from '../clients/workspace.client.js';
import { RateLimit } from '../common/rate-limit.js';
import { isTrue } from '../files/files.dto.js';
import {
  GitBody,
  GitCheckoutDto,
  GitCommitDto,
  GitCreateBranchDto,
  GitDeleteBranchQuery,
  GitFetchDto,
  GitFileDiffQuery,
  GitLogQuery,
  GitPathsDto,
  GitPullDto,
  GitPushDto,
  GitQuery,
  GitRemoteAddDto,
  GitApplyHunksDto,
  GitRemoteTlsDto,
} from './git.dto.js';

const OK = { ok: true } as const;

@Controller('git')
export class GitController {
  constructor(private readonly workspace: WorkspaceClient) {}

  /** The project and, when given, which of its registered worktrees the call works in (checked by the service). */
  private target(q: { projectId: string; worktreePath?: string }) {
    return { projectId: q.projectId, worktreePath: q.worktreePath ?? '' };
  }

  @Post('init')
  @HttpCode(200)
  async init(@Body() b: GitBody) {
    const r = await this.workspace.gitInit({ projectId: b.projectId });
    return { alreadyInitialised: r.alreadyInitialised, isGitRepo: true };
  }

  @Get('status')
  async status(@Query() q: GitQuery) {
    const r = await this.workspace.getGitStatus(this.target(q));
    if (!r.isGitRepo) return { isGitRepo: false, files: [] };
    return {
      isGitRepo: true,
      ...(r.branch ? { branch: r.branch } : {}),
      files: (r.files ?? []).map(({ originalPath, kind, ...f }) => ({
        ...f,
        kind: GIT_FILE_KIND.toWord(kind) ?? 'unknown',
        ...(originalPath ? { originalPath } : {}),
      })),
    };
  }

  @Get('diff')
  async diff(@Query() q: GitQuery) {
    return this.workspace.getGitDiff({ ...this.target(q), staged: false, path: '' });
  }

  @Get('diff/staged')
  async diffStaged(@Query() q: GitQuery) {
    return this.workspace.getGitDiff({ ...this.target(q), staged: true, path: '' });
  }

  @Get('diff/file')
  async diffFile(@Query() q: GitFileDiffQuery) {
    return this.workspace.getGitDiff({ ...this.target(q), staged: isTrue(q.staged), path: q.path });
  }

  @Get('log')
  async log(@Query() q: GitLogQuery) {
    const r = await this.workspace.getGitLog({ ...this.target(q), limit: q.limit ? Number(q.limit) : 0 });
    return { isGitRepo: r.isGitRepo, commits: r.commits ?? [] };
  }

  @Get('branches')
  async branches(@Query() q: GitQuery) {
    const r = await this.workspace.listGitBranches(this.target(q));
    return { isGitRepo: r.isGitRepo, ...(r.current ? { current: r.current } : {}), branches: r.branches ?? [] };
  }

  @Get('remotes')
  async remotes(@Query() q: GitQuery) {
    const r = await this.workspace.listGitRemotes(this.target(q));
    return { isGitRepo: r.isGitRepo, remotes: r.remotes ?? [] };
  }

  @Post('remote/add')
  @HttpCode(200)
  async addRemote(@Body() b: GitRemoteAddDto) {
    await this.workspace.addGitRemote({ ...this.target(b), name: b.name, url: b.url, insecureTls: b.insecureTls ?? false });
    return OK;
  }

  @Post('remote/tls')
  @HttpCode(200)
  async remoteTls(@Body() b: GitRemoteTlsDto) {
    await this.workspace.setGitRemoteTls({ ...this.target(b), name: b.name, insecureTls: b.insecureTls });
    return OK;
  }

  @Get('worktrees')
  async worktrees(@Query() q: GitQuery) {
    const r = await this.workspace.listGitWorktrees({ projectId: q.projectId });
    return {
      isGitRepo: r.isGitRepo,
      worktrees: (r.worktrees ?? []).map(({ head, branch, ...w }) => ({
        path: w.path,
        ...(head ? { head } : {}),
        ...(branch ? { branch } : {}),
        bare: w.bare,
        detached: w.detached,
        current: w.current,
      })),
    };
  }

  @Post('apply-hunks')
  @HttpCode(200)
  async applyHunks(@Body() b: GitApplyHunksDto) {
    const r = await this.workspace.applyGitHunks({
      ...this.target(b),
      path: b.path,
      mode: GIT_HUNK_MODE.toProto(b.mode),
      hunkIndices: b.hunkIndices,
    });
    return r.ok ? { ok: true, totalHunks: r.totalHunks } : { ok: false, error: r.error, totalHunks: r.totalHunks };
  }

  @Delete('remote/:name')
  async removeRemote(@Param('name') name: string, @Query() q: GitQuery) {
    await this.workspace.removeGitRemote({ ...this.target(q), name });
    return OK;
  }

  @Post('checkout')
  @HttpCode(200)
  async checkout(@Body() b: GitCheckoutDto) {
    await this.workspace.gitCheckout({ ...this.target(b), branch: b.branch });
    return OK;
  }

  @Post('branch/create')
  @HttpCode(200)
  async createBranch(@Body() b: GitCreateBranchDto) {
    await this.workspace.createGitBranch({
      ...this.target(b),
      name: b.name,
      startPoint: b.startPoint ?? '',
      checkout: b.checkout ?? false,
    });
    return OK;
  }

  @Delete('branch/:name')
  async deleteBranch(@Param('name') name: string, @Query() q: GitDeleteBranchQuery) {
    await this.workspace.deleteGitBranch({ ...this.target(q), name, force: isTrue(q.force) });
    return OK;
  }

  @Post('stage')
  @HttpCode(200)
  async stage(@Body() b: GitPathsDto) {
    await this.workspace.gitStage({ ...this.target(b), paths: b.paths });
    return OK;
  }

  @Post('unstage')
  @HttpCode(200)
  async unstage(@Body() b: GitPathsDto) {
    await this.workspace.gitUnstage({ ...this.target(b), paths: b.paths });
    return OK;
  }

  @Post('revert')
  @HttpCode(200)
  async revert(@Body() b: GitPathsDto) {
    await this.workspace.gitRevert({ ...this.target(b), paths: b.paths });
    return OK;
  }

  @Post('commit')
  @HttpCode(200)
  async commit(@Body() b: GitCommitDto) {
    return this.workspace.gitCommit({ ...this.target(b), message: b.message });
  }

  @Post('fetch')
  @HttpCode(200)
  async fetch(@Body() b: GitFetchDto) {
    return this.workspace.gitFetch({ ...this.target(b), remote: b.remote ?? '', prune: b.prune ?? false });
  }

  @Post('pull')
  @HttpCode(200)
  async pull(@Body() b: GitPullDto) {
    return this.workspace.gitPull({ ...this.target(b), remote: b.remote ?? '', branch: b.branch ?? '', rebase: b.rebase ?? false });
  }

  @Post('push')
  @HttpCode(200)
  @RateLimit('push')
  async push(@Body() b: GitPushDto) {
    return this.workspace.gitPush({
      ...this.target(b),
      remote: b.remote ?? '',
      branch: b.branch ?? '',
      setUpstream: b.setUpstream ?? false,
    });
  }
}
