// Git operations on a project's repository (docs/compatibility.md#files-and-git), all through GitRunner. Git never
// looks above the project folder (GIT_CEILING_DIRECTORIES), so a plain folder inside some other
// repository is reported as not a repository instead of exposing the outer one.
import { Inject, Injectable } from '@nestjs/common';
import { dirname, relative, sep } from 'node:path';
import { CONFIG, forgeError, GrpcStatus, type ForgeConfig } from '@pi-forge/runtime';
import type {
  ApplyGitHunksResponse,
  GitWorktree,
  ListGitWorktreesResponse,
  GetGitDiffResponse,
  GetGitLogResponse,
  GetGitStatusResponse,
  GitBranch,
  GitCommitInfo,
  ListGitBranchesResponse,
  ListGitRemotesResponse,
  GitRemote,
} from '@pi-forge/proto/workspace';
import { GitHunkMode } from '@pi-forge/proto/workspace';
import { ProjectFiles } from '../files/project-files.js';
import { PathGuard } from '../paths/path-guard.js';
import { GitRunner, redactGitText, type GitRunOptions } from './git-runner.js';
import { parseStatus } from './git-status.js';
import { parseConfigList, parseConfigListing, repoConfigOverrides, SAFE_PACK_OPTIONS, type ConfigOverrides } from './local-config-guard.js';
import { assertBranchName, assertRemoteName, assertRevision } from './ref-name.js';

const NETWORK_TIMEOUT_MS = 5 * 60_000;
const FALLBACK_IDENTITY = { name: 'pi-forge', email: 'pi-forge@localhost' };

interface Repo {
  cwd: string;
  guard: PathGuard;
  isGitRepo: boolean;
  env: Record<string, string>;
  /** Config and env undoing program-running settings from the repository's own config and its includes. */
  overrides: ConfigOverrides;
}

/** Which checkout a call works in: the project folder, or one of its registered worktrees. */
export interface GitTarget {
  projectId: string;
  worktreePath?: string;
}

@Injectable()
export class ProjectGit {
  constructor(
    private readonly files: ProjectFiles,
    private readonly git: GitRunner,
    @Inject(CONFIG) private readonly config: ForgeConfig,
  ) {}

  /**
   * With the sandbox on, checkouts belong to the tool uid, and git refuses to work in a repository
   * another user owns ("dubious ownership"). That check guards against a foreign repo's config
   * running programs, which local-config-guard already undoes per call; so the one checkout this
   * call works in is trusted by name, never `*`.
   */
  private trust(cwd: string): string[] {
    return this.config.AGENT_TOOL_SANDBOX_ENABLED ? ['-c', `safe.directory=${cwd}`] : [];
  }

  private async repo(target: GitTarget): Promise<Repo> {
    // Opening the project's door re-proves its folder is inside WORKSPACE_PATH; git does the
    // disk access, the guard only turns request paths into pathspecs.
    const { guard } = await this.files.fs(target.projectId);
    const cwd = await guard.rootPath();
    const env = { GIT_CEILING_DIRECTORIES: dirname(cwd) };
    const [probe, local] = await Promise.all([
      this.git.run([...this.trust(cwd), 'rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir'], {
        cwd,
        env,
        allowFailure: true,
      }),
      this.git.run([...this.trust(cwd), 'config', '-z', '--includes', '--show-scope', '--show-origin', '--list'], {
        cwd,
        env,
        allowFailure: true,
      }),
    ]);
    const isGitRepo = probe.code === 0;
    const commonDir = probe.stdout.split('\n')[1]?.trim() || `${cwd}/.git`;
    const overrides = isGitRepo ? repoConfigOverrides(parseConfigListing(local.stdout), commonDir) : { config: [], env: {} };
    const main: Repo = { cwd, guard, env, isGitRepo, overrides };
    const wanted = target.worktreePath?.replace(/(.)\/+$/, '$1');
    if (!wanted || wanted === cwd) return main;
    // Any other checkout must be one git itself lists for this repository (docs/compatibility.md#files-and-git).
    const listed = main.isGitRepo ? (await this.worktreeList(main)).filter((w) => !w.bare).map((w) => w.path) : [];
    if (!listed.includes(wanted))
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_worktree_path', 'worktreePath is not a worktree of this project');
    return {
      cwd: wanted,
      guard: new PathGuard(wanted),
      env: { GIT_CEILING_DIRECTORIES: dirname(wanted) },
      isGitRepo: true,
      overrides: main.overrides,
    };
  }

  private run(repo: Repo, args: string[], options: Partial<GitRunOptions> = {}) {
    return this.git.run([...this.trust(repo.cwd), ...args], {
      cwd: repo.cwd,
      ...options,
      config: repo.overrides.config,
      env: { ...repo.env, ...repo.overrides.env, ...options.env },
    });
  }

  private async requireRepo(target: GitTarget): Promise<Repo> {
    const repo = await this.repo(target);
    if (!repo.isGitRepo) throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'git_failed', 'not a git repository');
    return repo;
  }

  /** Request paths (absolute or relative) as literal pathspecs relative to the repository. */
  private async pathspecs(repo: Repo, paths: string[]): Promise<string[]> {
    if (!Array.isArray(paths) || paths.length === 0 || paths.length > 1000)
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'validation_failed', 'paths must list 1..1000 paths');
    const specs: string[] = [];
    for (const p of paths) {
      const g = await repo.guard.resolve(p);
      const rel = relative(repo.cwd, g.entry).split(sep).join('/');
      specs.push(`:(literal)${rel || '.'}`);
    }
    return specs;
  }

  /** Commit identity: the user's git config or GIT_* env when present, a neutral fallback otherwise. */
  private async identityEnv(repo: Repo): Promise<Record<string, string>> {
    const [name, email] = await Promise.all(
      ['user.name', 'user.email'].map((k) => this.run(repo, ['config', '--get', k], { allowFailure: true }).then((r) => r.stdout.trim())),
    );
    const env: Record<string, string> = {};
    if (!name) Object.assign(env, { GIT_AUTHOR_NAME: FALLBACK_IDENTITY.name, GIT_COMMITTER_NAME: FALLBACK_IDENTITY.name });
    if (!email) Object.assign(env, { GIT_AUTHOR_EMAIL: FALLBACK_IDENTITY.email, GIT_COMMITTER_EMAIL: FALLBACK_IDENTITY.email });
    return env;
  }

  async init(t: GitTarget): Promise<{ alreadyInitialised: boolean }> {
    const repo = await this.repo(t);
    if (repo.isGitRepo) return { alreadyInitialised: true };
    const r = await this.run(repo, ['init', '-b', 'main'], { allowFailure: true });
    if (r.code !== 0) await this.run(repo, ['init']);
    return { alreadyInitialised: false };
  }

  async status(t: GitTarget): Promise<GetGitStatusResponse> {
    const repo = await this.repo(t);
    if (!repo.isGitRepo) return { isGitRepo: false, branch: '', files: [] };
    const r = await this.run(repo, ['status', '--porcelain=v1', '-z', '--branch', '-uall']);
    return { isGitRepo: true, ...parseStatus(r.stdout) };
  }

  async diff(t: GitTarget, staged: boolean, path: string): Promise<GetGitDiffResponse> {
    const repo = await this.repo(t);
    if (!repo.isGitRepo) return { isGitRepo: false, diff: '' };
    const args = ['diff', '--no-ext-diff', '--no-textconv', '--no-color', ...(staged ? ['--cached'] : [])];
    if (path) args.push('--', ...(await this.pathspecs(repo, [path])));
    const r = await this.run(repo, args);
    return { isGitRepo: true, diff: r.stdout };
  }

  async log(t: GitTarget, limit: number): Promise<GetGitLogResponse> {
    const repo = await this.repo(t);
    if (!repo.isGitRepo) return { isGitRepo: false, commits: [] };
    const n = Math.min(1000, Math.max(1, limit || 30));
    const r = await this.run(
      repo,
      ['log', `-n${n}`, '--no-color', '--decorate=short', '--pretty=format:%H%x1f%P%x1f%an%x1f%aI%x1f%D%x1f%s%x1e'],
      { allowFailure: true },
    );
    if (r.code !== 0) {
      if (/does not have any commits|bad default revision|unknown revision/i.test(r.stderr)) return { isGitRepo: true, commits: [] };
      throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'git_failed', redactGitText(r.stderr.trim()));
    }
    const commits: GitCommitInfo[] = r.stdout
      .split('\x1e')
      .map((rec) => rec.replace(/^\n/, ''))
      .filter(Boolean)
      .map((rec) => {
        const [hash, parents, author, date, refs, message] = rec.split('\x1f');
        return {
          hash,
          message: message ?? '',
          author,
          date,
          parents: parents ? parents.split(' ') : [],
          refs: refs ? refs.split(', ').filter(Boolean) : [],
        };
      });
    return { isGitRepo: true, commits };
  }

  async branches(t: GitTarget): Promise<ListGitBranchesResponse> {
    const repo = await this.repo(t);
    if (!repo.isGitRepo) return { isGitRepo: false, current: '', branches: [] };
    const current = (await this.run(repo, ['symbolic-ref', '--short', '-q', 'HEAD'], { allowFailure: true })).stdout.trim();
    const r = await this.run(repo, ['for-each-ref', '--format=%(refname)%1f%(HEAD)', 'refs/heads', 'refs/remotes']);
    const branches: GitBranch[] = [];
    for (const line of r.stdout.split('\n')) {
      if (!line) continue;
      const [ref, head] = line.split('\x1f');
      if (ref.startsWith('refs/heads/')) branches.push({ name: ref.slice(11), current: head === '*', remote: false });
      else if (ref.startsWith('refs/remotes/') && !ref.endsWith('/HEAD'))
        branches.push({ name: ref.slice(13), current: false, remote: true });
    }
    if (current && !branches.some((b) => b.name === current && !b.remote))
      branches.unshift({ name: current, current: true, remote: false });
    return { isGitRepo: true, current, branches };
  }

  async checkout(t: GitTarget, branch: string): Promise<void> {
    assertBranchName(branch);
    const repo = await this.requireRepo(t);
    await this.run(repo, ['checkout', branch, '--']);
  }

  async createBranch(t: GitTarget, name: string, startPoint: string, checkout: boolean): Promise<void> {
    assertBranchName(name, 'name');
    if (startPoint) assertRevision(startPoint);
    const repo = await this.requireRepo(t);
    if (checkout) await this.run(repo, ['checkout', '-b', name, ...(startPoint ? [startPoint] : []), '--']);
    else await this.run(repo, ['branch', name, ...(startPoint ? [startPoint] : [])]);
  }

  async deleteBranch(t: GitTarget, name: string, force: boolean): Promise<void> {
    assertBranchName(name, 'name');
    const repo = await this.requireRepo(t);
    await this.run(repo, ['branch', force ? '-D' : '-d', name]);
  }

  async stage(t: GitTarget, paths: string[]): Promise<void> {
    const repo = await this.requireRepo(t);
    await this.run(repo, ['add', '--', ...(await this.pathspecs(repo, paths))]);
  }

  async unstage(t: GitTarget, paths: string[]): Promise<void> {
    const repo = await this.requireRepo(t);
    const specs = await this.pathspecs(repo, paths);
    const hasHead = (await this.run(repo, ['rev-parse', '--verify', '-q', 'HEAD'], { allowFailure: true })).code === 0;
    // Before the first commit there is no HEAD to restore from: take the paths out of the index.
    if (hasHead) await this.run(repo, ['restore', '--staged', '--', ...specs]);
    else await this.run(repo, ['rm', '--cached', '-r', '-q', '--', ...specs]);
  }

  async revert(t: GitTarget, paths: string[]): Promise<void> {
    const repo = await this.requireRepo(t);
    await this.run(repo, ['restore', '--staged', '--worktree', '--source=HEAD', '--', ...(await this.pathspecs(repo, paths))]);
  }

  async commit(t: GitTarget, message: string): Promise<{ hash: string }> {
    if (typeof message !== 'string' || !message.trim())
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'empty_message', 'commit message must not be blank');
    const repo = await this.requireRepo(t);
    await this.run(repo, ['commit', '-m', message], { env: await this.identityEnv(repo) });
    const hash = (await this.run(repo, ['rev-parse', 'HEAD'])).stdout.trim();
    return { hash };
  }

  async fetch(t: GitTarget, remote: string, prune: boolean): Promise<{ output: string }> {
    if (remote) assertRemoteName(remote);
    const repo = await this.requireRepo(t);
    const r = await this.run(repo, ['fetch', ...SAFE_PACK_OPTIONS.fetch, ...(prune ? ['--prune'] : []), ...(remote ? [remote] : [])], {
      timeoutMs: NETWORK_TIMEOUT_MS,
    });
    return { output: redactGitText(`${r.stdout}${r.stderr}`) };
  }

  async pull(t: GitTarget, remote: string, branch: string, rebase: boolean): Promise<{ output: string }> {
    if (remote) assertRemoteName(remote);
    if (branch) assertBranchName(branch);
    if (branch && !remote) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'validation_failed', 'branch needs a remote');
    const repo = await this.requireRepo(t);
    const args = [
      'pull',
      ...SAFE_PACK_OPTIONS.fetch,
      rebase ? '--rebase' : '--no-rebase',
      '--no-edit',
      ...(remote ? [remote] : []),
      ...(branch ? [branch] : []),
    ];
    const r = await this.run(repo, args, { timeoutMs: NETWORK_TIMEOUT_MS, env: await this.identityEnv(repo) });
    return { output: redactGitText(`${r.stdout}${r.stderr}`) };
  }

  async push(t: GitTarget, remote: string, branch: string, setUpstream: boolean): Promise<{ output: string }> {
    if (remote) assertRemoteName(remote);
    if (branch) assertBranchName(branch);
    const repo = await this.requireRepo(t);
    let target = remote;
    let ref = branch;
    if (setUpstream) {
      target ||= 'origin';
      ref ||= (await this.run(repo, ['symbolic-ref', '--short', '-q', 'HEAD'], { allowFailure: true })).stdout.trim();
    }
    if (ref && !target) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'validation_failed', 'branch needs a remote');
    const args = [
      'push',
      ...SAFE_PACK_OPTIONS.push,
      '--porcelain',
      ...(setUpstream ? ['-u'] : []),
      ...(target ? [target] : []),
      ...(ref ? [ref] : []),
    ];
    const r = await this.run(repo, args, { timeoutMs: NETWORK_TIMEOUT_MS });
    return { output: redactGitText(`${r.stdout}${r.stderr}`) };
  }

  async remotes(t: GitTarget): Promise<ListGitRemotesResponse> {
    const repo = await this.repo(t);
    if (!repo.isGitRepo) return { isGitRepo: false, remotes: [] };
    const r = await this.run(repo, ['config', '--local', '-z', '--list'], { allowFailure: true });
    const entries = parseConfigList(r.stdout);
    const byName = new Map<string, GitRemote>();
    const insecure = new Set<string>();
    for (const [key, value] of entries) {
      const m = /^remote\.(.+)\.(url|pushurl)$/.exec(key);
      if (m) {
        const remote = byName.get(m[1]) ?? { name: m[1], fetchUrl: '', pushUrl: '', insecureTls: false };
        if (m[2] === 'url') remote.fetchUrl = redactGitText(value);
        else remote.pushUrl = redactGitText(value);
        byName.set(m[1], remote);
      }
      const h = /^http\.(.+)\.sslverify$/.exec(key);
      if (h && value === 'false') insecure.add(h[1]);
    }
    const remotes = [...byName.values()].map((r) => ({
      ...r,
      pushUrl: r.pushUrl || r.fetchUrl,
      insecureTls: [...insecure].some((u) => r.fetchUrl.startsWith(u.replace(/\/$/, ''))),
    }));
    return { isGitRepo: true, remotes };
  }

  async addRemote(t: GitTarget, name: string, url: string, insecureTls: boolean): Promise<void> {
    assertRemoteName(name);
    if (typeof url !== 'string' || !url || url.startsWith('-') || url.length > 1024 || /^ext::/i.test(url))
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_url', 'not a usable remote URL');
    const repo = await this.requireRepo(t);
    await this.run(repo, ['remote', 'add', name, url]);
    if (insecureTls) await this.run(repo, ['config', '--local', `http.${url}.sslVerify`, 'false']);
  }

  async removeRemote(t: GitTarget, name: string): Promise<void> {
    assertRemoteName(name);
    const repo = await this.requireRepo(t);
    await this.run(repo, ['remote', 'remove', name]);
  }

  async setRemoteTls(t: GitTarget, name: string, insecureTls: boolean): Promise<void> {
    assertRemoteName(name);
    const repo = await this.requireRepo(t);
    const url = (await this.run(repo, ['remote', 'get-url', name])).stdout.trim();
    const key = `http.${url}.sslVerify`;
    if (insecureTls) await this.run(repo, ['config', '--local', key, 'false']);
    else await this.run(repo, ['config', '--local', '--unset-all', key], { allowFailure: true });
  }

  async worktrees(t: GitTarget): Promise<ListGitWorktreesResponse> {
    const repo = await this.repo({ projectId: t.projectId });
    if (!repo.isGitRepo) return { isGitRepo: false, worktrees: [] };
    return { isGitRepo: true, worktrees: await this.worktreeList(repo) };
  }

  private async worktreeList(repo: Repo): Promise<GitWorktree[]> {
    const r = await this.run(repo, ['worktree', 'list', '--porcelain']);
    const worktrees: GitWorktree[] = [];
    for (const block of r.stdout.split('\n\n')) {
      const lines = block.split('\n').filter(Boolean);
      const path = lines.find((l) => l.startsWith('worktree '))?.slice(9);
      if (!path) continue;
      const branch =
        lines
          .find((l) => l.startsWith('branch '))
          ?.slice(7)
          .replace(/^refs\/heads\//, '') ?? '';
      worktrees.push({
        path,
        head: lines.find((l) => l.startsWith('HEAD '))?.slice(5) ?? '',
        branch,
        bare: lines.includes('bare'),
        detached: lines.includes('detached'),
        current: path === repo.cwd,
      });
    }
    return worktrees;
  }

  /** Stages (from the worktree diff) or unstages (from the staged diff) chosen hunks of one file. */
  async applyHunks(t: GitTarget, path: string, mode: GitHunkMode, indices: number[]): Promise<ApplyGitHunksResponse> {
    if (mode !== GitHunkMode.GIT_HUNK_MODE_STAGE && mode !== GitHunkMode.GIT_HUNK_MODE_UNSTAGE)
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'validation_failed', 'mode must be stage or unstage');
    const repo = await this.requireRepo(t);
    const [spec] = await this.pathspecs(repo, [path]);
    const unstage = mode === GitHunkMode.GIT_HUNK_MODE_UNSTAGE;
    const diff = (
      await this.run(repo, ['diff', '--no-ext-diff', '--no-textconv', '--no-color', ...(unstage ? ['--cached'] : []), '--', spec])
    ).stdout;
    if (!diff.trim()) return { ok: false, error: 'no_diff', totalHunks: 0 };
    const lines = diff.split('\n');
    const first = lines.findIndex((l) => l.startsWith('@@'));
    if (first === -1 || /^Binary files /m.test(diff)) return { ok: false, error: 'binary_or_no_hunks', totalHunks: 0 };
    const header = lines.slice(0, first);
    const hunks: string[][] = [];
    for (const line of lines.slice(first)) {
      if (line.startsWith('@@')) hunks.push([line]);
      else hunks[hunks.length - 1].push(line);
    }
    if (hunks.length && hunks[hunks.length - 1].at(-1) === '') hunks[hunks.length - 1].pop();
    const chosen = [...new Set(indices)].sort((a, b) => a - b);
    if (chosen.length === 0 || chosen.some((i) => !Number.isInteger(i) || i < 0 || i >= hunks.length))
      return { ok: false, error: 'hunk_index_out_of_range', totalHunks: hunks.length };
    const patch = `${[...header, ...chosen.flatMap((i) => hunks[i])].join('\n')}\n`;
    const r = await this.run(repo, ['apply', '--cached', '--recount', ...(unstage ? ['--reverse'] : []), '-'], {
      input: patch,
      allowFailure: true,
    });
    return r.code === 0
      ? { ok: true, error: '', totalHunks: hunks.length }
      : { ok: false, error: 'git_apply_failed', totalHunks: hunks.length };
  }
}
