// What a terminal's shell sees: an allowlist of the service's environment (docs/compatibility.md#terminal-protocol) plus the
// names in TERMINAL_PASSTHROUGH_ENV. Everything else — provider keys (OPENAI_API_KEY…), cloud
// credentials, pi-forge's own settings — stays out, whatever the service itself was given.
import { basename } from 'node:path';
import { allowlistedEnv } from '@pi-forge/runtime';

export interface ShellSpec {
  file: string;
  env: Record<string, string>;
}

export function shellEnvironment(
  inherited: Readonly<Record<string, string>>,
  passthrough: readonly string[],
  cwd: string,
  fallbackHome: string,
): ShellSpec {
  const nonEmpty = Object.fromEntries(Object.entries(inherited).filter(([, value]) => value !== ''));
  const env = allowlistedEnv(nonEmpty, passthrough);
  const file = inherited.SHELL || '/bin/sh';
  env.SHELL = file;
  env.PWD = cwd;
  env.HOME ||= fallbackHome;
  env.PATH ||= '/usr/local/bin:/usr/bin:/bin';
  return { file, env };
}

/** The command that activates a project's Python venv, typed into a fresh shell. */
export function venvActivation(shellFile: string, relPath: string): string {
  // `source` is a bash/zsh word; POSIX sh only knows `.`.
  const name = basename(shellFile);
  const verb = name === 'bash' || name === 'zsh' ? 'source' : '.';
  return `${verb} ${relPath}\n`;
}

/** Candidate venv activation scripts, in the contract's order. */
export const VENV_SCRIPTS = ['.venv/bin/activate', 'venv/bin/activate', 'env/bin/activate'] as const;
