// Every git invocation goes through here, hardened as docs/compatibility.md#files-and-git asks: repository config cannot
// make us run a program (fsmonitor, pager, editor, askpass, ssh command, ext:: transport), git
// never prompts, output is in the C locale, and each call has a deadline and an output cap.
// Our config overrides travel as GIT_CONFIG_COUNT/KEY_n/VALUE_n: command-scope config that wins
// over every config file and is inherited by the git processes git starts itself.
import { Inject, Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { CONFIG, forgeError, GrpcStatus, type ForgeConfig } from '@pi-forge/runtime';

export const SAFE_GIT_CONFIG: readonly (readonly [string, string])[] = [
  ['core.fsmonitor', 'false'],
  ['core.askPass', 'true'],
  ['core.sshCommand', 'ssh -o BatchMode=yes'],
  ['core.editor', 'true'],
  ['sequence.editor', 'true'],
  ['core.pager', 'cat'],
  ['pager.branch', 'false'],
  ['protocol.ext.allow', 'never'],
  ['color.ui', 'false'],
];

/** Config pairs as the GIT_CONFIG_COUNT environment git reads as command-line config. */
export function configEnvironment(pairs: readonly (readonly [string, string])[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/** Host variables git may need; everything else (API keys, tokens) stays out of its environment. */
const PASS_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'TMPDIR',
  'SSH_AUTH_SOCK',
  'XDG_CONFIG_HOME',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_SSL_CAINFO',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

export interface GitRunOptions {
  cwd: string;
  timeoutMs?: number;
  /** Extra environment (e.g. GIT_SSL_NO_VERIFY for one clone). */
  env?: Record<string, string>;
  /** Extra command-scope config after the safe defaults (a repository's neutralising overrides). */
  config?: readonly (readonly [string, string])[];
  /** Called with each stderr chunk as it arrives (clone progress). */
  onStderr?: (chunk: string) => void;
  /** Aborts the process: SIGTERM, then SIGKILL after 5 s. */
  signal?: AbortSignal;
  /** Non-zero exit is returned instead of thrown. */
  allowFailure?: boolean;
  /** Written to git's stdin (e.g. a patch for `git apply -`). */
  input?: string;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 32 * 1024 * 1024;
const MAX_STDERR = 256 * 1024;
const AUTH_FAILURE =
  /Authentication failed|could not read Username|could not read Password|terminal prompts disabled|Permission denied \(publickey|HTTP Basic: Access denied|invalid credentials|The requested URL returned error: 40[13]/i;

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

  /** Runs `git <args>` with the safe config; throws git_failed / git_auth_required on a non-zero exit. */
  run(args: string[], options: GitRunOptions): Promise<GitResult> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    // An abort that came before the call would never fire its listener: refuse to start at all.
    if (options.signal?.aborted) return Promise.reject(forgeError(GrpcStatus.CANCELLED, 'git_failed', `git ${args[0]} was cancelled`));
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd: options.cwd,
        env: { ...this.baseEnv, ...options.env, ...configEnvironment([...SAFE_GIT_CONFIG, ...(options.config ?? [])]) },
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
      const deadline = setTimeout(() => {
        timedOut = true;
        stop();
      }, timeoutMs);
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
        reject(
          e.code === 'ENOENT'
            ? forgeError(GrpcStatus.INTERNAL, 'git_not_installed', 'git is not installed on the server')
            : forgeError(GrpcStatus.INTERNAL, 'git_failed', redactGitText(e.message)),
        );
      });
      child.once('close', (code) => {
        clearTimeout(deadline);
        clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
        const result = { code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
        if (result.code === 0 || options.allowFailure) return resolve(result);
        if (timedOut)
          return reject(forgeError(GrpcStatus.DEADLINE_EXCEEDED, 'git_failed', `git ${args[0]} timed out after ${timeoutMs} ms`));
        reject(gitFailure(result.stderr || result.stdout, args));
      });
    });
  }
}

/**
 * What an operator must set up when a remote wants credentials (docs/compatibility.md#files-and-git "auth guidance"):
 * git never prompts here and the repository's own credential helpers are switched off, so only
 * the service user's global git config, ssh keys or a clone token can help. Never git's stderr,
 * which may echo the URL with its token.
 */
export function authGuidance(operation: string): string {
  const what = ['clone', 'fetch', 'pull', 'push'].includes(operation) ? `git ${operation}` : 'git';
  return (
    `${what} failed: the remote asked for credentials that the server does not have (pi-forge never prompts). ` +
    'For HTTPS remotes, configure a credential helper in the global git config of the user running the workspace service ' +
    "(e.g. `git config --global credential.helper store` with the token in that user's ~/.git-credentials), " +
    "or pass `token` when cloning; credential helpers set in the repository's own .git/config are ignored. " +
    'For SSH remotes, add a key without a passphrase (or an ssh-agent via SSH_AUTH_SOCK) for that user: git runs ssh in BatchMode.'
  );
}

/** The git subcommand of an argument list that may start with `-c key=value` overrides. */
function subcommand(args: readonly string[]): string {
  let i = 0;
  while (args[i] === '-c') i += 2;
  return args[i] ?? '';
}

export function gitFailure(stderr: string, args: readonly string[] = []) {
  if (AUTH_FAILURE.test(stderr)) {
    return forgeError(GrpcStatus.FAILED_PRECONDITION, 'git_auth_required', authGuidance(subcommand(args)));
  }
  const message = redactGitText(stderr.trim()).slice(0, 4000) || 'git failed';
  return forgeError(GrpcStatus.FAILED_PRECONDITION, 'git_failed', message);
}
