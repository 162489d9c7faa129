// The environment of a shell a person or the model drives (terminal, the agent's bash tool, `!`
// exec): an allowlist of harmless variables (docs/compatibility.md#terminal-protocol), any LC_*, and the names in
// TERMINAL_PASSTHROUGH_ENV. Provider keys, cloud credentials and pi-forge's own settings stay out.

export const SHELL_ENV_ALLOWLIST: ReadonlySet<string> = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'PWD',
  'TERM',
  'COLORTERM',
  'TERMINFO',
  'LANG',
  'TZ',
  'HOSTNAME',
  'EDITOR',
  'PAGER',
  'VISUAL',
]);

/** The allowlisted part of `env`; `alsoAllow` admits a caller's few extra names. */
export function allowlistedEnv(
  env: Readonly<Record<string, string | undefined>>,
  passthrough: readonly string[] = [],
  alsoAllow: (name: string) => boolean = () => false,
): Record<string, string> {
  const out: Record<string, string> = {};
  const extra = new Set(passthrough);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (SHELL_ENV_ALLOWLIST.has(name) || name.startsWith('LC_') || extra.has(name) || alsoAllow(name)) out[name] = value;
  }
  return out;
}
