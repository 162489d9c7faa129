// Clones a repository into a new folder inside the workspace and registers it as a project,
// reporting git's progress as events (docs/compatibility.md#projects, clone stream). Everything that can be
// checked up front is checked before the first event, so the gateway can still answer JSON.
import { Inject, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { forgeError, GrpcStatus, LOGGER } from '@pi-forge/runtime';
import type { CloneProjectRequest, CloneProjectResponse } from '@pi-forge/proto/workspace';
import type { Logger } from 'pino';
import { assertName, type GuardedPath } from '../paths/path-guard.js';
import { fsError } from '../paths/fs-errors.js';
import { FsDoor, type ProjectFs } from '../paths/project-fs.js';
import { GitRunner, redactGitText } from '../git/git-runner.js';
import { assertBranchName } from '../git/ref-name.js';
import { ProjectRegistry } from './project-registry.js';

const CLONE_TIMEOUT_MS = 30 * 60_000;
const PROGRESS = /^(?:remote: )?([A-Za-z][A-Za-z ]*?):\s+(\d{1,3})%/;

type Event = CloneProjectResponse;

interface ClonePlan {
  cloneUrl: string;
  displayUrl: string;
  target: string;
  /** The checked target folder and the workspace door it was checked by. */
  checked: { fs: ProjectFs; path: GuardedPath };
  targetExisted: boolean;
  request: CloneProjectRequest;
}

@Injectable()
export class ProjectClone {
  constructor(
    private readonly projects: ProjectRegistry,
    private readonly door: FsDoor,
    private readonly git: GitRunner,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Validates the request; throws the contract's pre-stream errors. */
  async plan(req: CloneProjectRequest): Promise<ClonePlan> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_url', 'url is not a valid URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'file:')
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'unsupported_protocol', 'only https: and file: URLs can be cloned');
    assertName(req.folderName, 'invalid_directory_name');
    if (!req.projectName?.trim() || req.projectName.trim().length > 200)
      throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_name', 'projectName must not be blank');
    if (req.branch) assertBranchName(req.branch);
    const fs = await this.door.workspace();
    const parent = req.parentPath ? await fs.resolve(req.parentPath) : await fs.root();
    const parentInfo = await fs.stat(parent).catch((err) => {
      throw fsError(err);
    });
    if (!parentInfo.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'parentPath is not a directory');
    const target = await fs.child(parent, req.folderName);
    let targetExisted = false;
    const info = await fs.statIfAny(target);
    if (info) {
      if (!info.isDirectory())
        throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'target_not_a_directory', 'the target exists and is not a directory');
      if ((await fs.readdir(target)).length > 0)
        throw forgeError(GrpcStatus.ALREADY_EXISTS, 'target_not_empty', 'the target folder is not empty');
      targetExisted = true;
    }
    const display = new URL(url.href);
    display.username = '';
    display.password = '';
    const clone = new URL(display.href);
    if (req.token && url.protocol === 'https:') {
      clone.username = 'x-access-token';
      clone.password = req.token;
    }
    return {
      cloneUrl: clone.href,
      displayUrl: display.href,
      target: target.real,
      checked: { fs, path: target },
      targetExisted,
      request: req,
    };
  }

  run(plan: ClonePlan): Observable<Event> {
    return new Observable<Event>((sub) => {
      const abort = new AbortController();
      let finished = false;
      const { request: req } = plan;
      sub.next({ started: { cloneUrlForDisplay: plan.displayUrl } });
      let pending = '';
      const onStderr = (chunk: string) => {
        pending += chunk;
        const parts = pending.split(/[\r\n]/);
        pending = parts.pop() ?? '';
        for (const raw of parts) emitLine(raw);
      };
      const emitLine = (raw: string) => {
        const line = redactGitText(raw.trimEnd());
        if (!line) return;
        const m = PROGRESS.exec(line);
        if (m) sub.next({ progress: { phase: m[1], percent: Number(m[2]), raw: line } });
        else sub.next({ stderr: { line } });
      };
      const env: Record<string, string> = req.insecureTls ? { GIT_SSL_NO_VERIFY: 'true' } : {};
      if (req.insecureTls) sub.next({ stderr: { line: 'git-clone-insecure-tls: certificate verification is off for this clone' } });
      const args = ['clone', '--progress', ...(req.branch ? ['--branch', req.branch] : []), '--', plan.cloneUrl, plan.target];
      (async () => {
        try {
          if (!plan.targetExisted) await plan.checked.fs.mkdir(plan.checked.path);
          await this.git.run(args, { cwd: plan.target, timeoutMs: CLONE_TIMEOUT_MS, env, onStderr, signal: abort.signal });
          if (pending) emitLine(pending);
          if (plan.cloneUrl !== plan.displayUrl) await this.git.run(['remote', 'set-url', 'origin', plan.displayUrl], { cwd: plan.target });
          if (req.insecureTls)
            await this.git.run(['config', '--local', `http.${new URL(plan.displayUrl).origin}/.sslVerify`, 'false'], { cwd: plan.target });
          await plan.checked.fs.adoptTree(plan.checked.path); // git wrote it as the server user
          sub.next({ done: { target: plan.target } });
        } catch (err) {
          if (pending) emitLine(pending);
          await this.removeTarget(plan);
          const body = errorBody(err);
          sub.next({ error: { message: body.message ?? 'clone failed', code: '' } });
          finished = true;
          return sub.complete();
        }
        try {
          const project = await this.projects.create(req.projectName, plan.target);
          sub.next({ projectCreated: project });
        } catch (err) {
          const body = errorBody(err);
          const code = ['duplicate_path', 'path_not_allowed', 'invalid_name'].includes(body.error) ? body.error : 'project_create_failed';
          sub.next({ error: { code, message: body.message ?? 'could not register the project' } });
        }
        finished = true;
        sub.complete();
      })().catch((err: unknown) => sub.error(err));
      return () => {
        if (!finished) {
          // Client went away mid-clone: stop git; the failure path above then removes the target.
          abort.abort();
          this.logger.info({ target: plan.target }, 'clone cancelled by the client');
        }
      };
    });
  }

  private async removeTarget(plan: ClonePlan): Promise<void> {
    const { fs, path } = plan.checked;
    await fs.rm(path, { recursive: true, force: true }).catch(() => {});
    if (plan.targetExisted) await fs.mkdir(path).catch(() => {});
  }
}

function errorBody(err: unknown): { error: string; message?: string } {
  const e = err as { getError?: () => unknown; message?: string };
  const raw = typeof e?.getError === 'function' ? e.getError() : undefined;
  const msg = typeof raw === 'object' && raw && 'message' in raw ? String((raw as { message: unknown }).message) : undefined;
  if (msg) {
    try {
      return JSON.parse(msg) as { error: string; message?: string };
    } catch {
      /* not a forge error */
    }
  }
  return { error: 'internal_error', message: e?.message };
}
