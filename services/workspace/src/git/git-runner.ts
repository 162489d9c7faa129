// Every git invocation goes through here, hardened as docs/compatibility.md#files-and-git asks: repository config cannot
// make us run a program (fsmonitor, pager, editor, askpass, ssh command, ext:: transport), git
// never prompts, output is in the C locale, and each call has a deadline and an output cap.
import { Inject, Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { CONFIG, forgeError, GrpcStatus, type ForgeConfig } from '@pi-forge/runtime';

export const SAFE_GIT_CONFIG = [
  '-c', 'core.fsmonitor=false',
  '-c', 'core.askPass=true',
  '-c', 'core.sshCommand=ssh -o BatchMode=yes',
  '-c', 'core.editor=true',
  '-c', 'sequence.editor=true',
  '-c', 'core.pager=cat',
  '-c', 'pager.branch=false',
  '-c', 'protocol.ext.allow=never',
  '-c', 'color.ui=false',
];

/** Host variables git may need; everything else (API keys, tokens) stays out of its environment. */
const PASS_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'TMPDIR', 'SSH_AUTH_SOCK', 'XDG_CONFIG_HOME', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_SSL_CAINFO', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

export interface GitRunOptions {
  cwd: string;
  timeoutMs?: number;
  /** Extra environment (e.g. GIT_SSL_NO_VERIFY for one clone). */
  env?: Record<string, string>;
  /** Called with each stderr chunk as it arrives (clone progress). */
  onStderr?: (chunk: string) => void;
  /** Aborts the process: SIGTERM, then SIGKILL after 5 s. */
  signal?: AbortSignal;
  /** Non-zero exit is returned instead of thrown. */
  allowFailure?: boolean;
  /** Written to git's stdin (e.g. a patch for `git apply -`). */
  input?: string;
}

export interface GitResult { code: number; stdout: string; stderr: string }

const MAX_OUTPUT = 32 * 1024 * 1024;
const MAX_STDERR = 256 * 1024;
const AUTH_FAILURE = /Authentication failed|could not read Username|could not read Password|terminal prompts disabled|Permission denied \(publickey|HTTP Basic: Access denied|invalid credentials|The requested URL returned error: 40[13]/i;

/** Removes credentials from URLs in git's messages before they leave the service. */
export function redactGitText(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}

@Injectable()
export class GitRunner {
  private readonly baseEnv: Record<string, string>;

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    const env: Record<string, string> = {};
    for (const key of PASS_ENV) if (config.inheritedEnv[key] !== undefined) env[key] = config.inheritedEnv[key];
    this.baseEnv = {
      ...env,
      LC_ALL: 'C',
      LANG: 'C',
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: 'true',
      SSH_ASKPASS: 'true',
      GIT_PAGER: 'cat',
      PAGER: 'cat',
      GIT_EDITOR: 'true',
      GIT_OPTIONAL_LOCKS: '0',
    };
  }

  /** Runs `git <safe config> <args>`; throws git_failed / git_auth_required on a non-zero exit. */
  run(args: string[], options: GitRunOptions): Promise<GitResult> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    // An abort that came before the call would never fire its listener: refuse to start at all.
    if (options.signal?.aborted) return Promise.reject(forgeError(GrpcStatus.CANCELLED, 'git_failed', `git ${args[0]} was cancelled`, { httpStatus: 400 }));
    return new Promise((resolve, reject) => {
      const child = spawn('git', [...SAFE_GIT_CONFIG, ...args], {
        cwd: options.cwd,
        env: { ...this.baseEnv, ...options.env },
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      if (options.input !== undefined) {
        child.stdin!.on('error', () => {}); // git may exit before reading it all; the exit code tells
        child.stdin!.end(options.input);
      }
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let killTimer: NodeJS.Timeout | undefined;
      const stop = () => {
        child.kill('SIGTERM');
        killTimer ??= setTimeout(() => child.kill('SIGKILL'), 5_000);
      };
      let timedOut = false;
      const deadline = setTimeout(() => { timedOut = true; stop(); }, timeoutMs);
      const onAbort = () => stop();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout!.on('data', (b: Buffer) => {
        outBytes += b.length;
        if (outBytes <= MAX_OUTPUT) out.push(b);
      });
      let errBytes = 0;
      child.stderr!.on('data', (b: Buffer) => {
        errBytes += b.length;
        if (errBytes <= MAX_STDERR) err.push(b);
        options.onStderr?.(b.toString('utf8'));
      });
      child.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(deadline);
        reject(e.code === 'ENOENT'
          ? forgeError(GrpcStatus.INTERNAL, 'git_not_installed', 'git is not installed on the server', { httpStatus: 500 })
          : forgeError(GrpcStatus.INTERNAL, 'git_failed', redactGitText(e.message), { httpStatus: 400 }));
      });
      child.once('close', (code) => {
        clearTimeout(deadline);
        clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
        const result = { code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
        if (result.code === 0 || options.allowFailure) return resolve(result);
        if (timedOut) return reject(forgeError(GrpcStatus.DEADLINE_EXCEEDED, 'git_failed', `git ${args[0]} timed out after ${timeoutMs} ms`, { httpStatus: 400 }));
        reject(gitFailure(result.stderr || result.stdout));
      });
    });
  }
}

export function gitFailure(stderr: string) {
  if (AUTH_FAILURE.test(stderr)) {
    return forgeError(GrpcStatus.FAILED_PRECONDITION, 'git_auth_required', 'the remote asked for credentials; configure a credential helper or use a URL with access', { httpStatus: 400 });
  }
  const message = redactGitText(stderr.trim()).slice(0, 4000) || 'git failed';
  return forgeError(GrpcStatus.FAILED_PRECONDITION, 'git_failed', message, { httpStatus: 400 });
}
