// The environment the agent's shell tools see: an allowlist of harmless variables from the service
// env plus TERMINAL_PASSTHROUGH_ENV, so provider keys and other secrets the agent process holds
// never reach a command the model chose. (The original inherits the whole env outside sandbox mode.)
const ALLOWED = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'PWD', 'TERM', 'COLORTERM', 'TERMINFO', 'LANG', 'TZ', 'HOSTNAME', 'EDITOR', 'PAGER', 'VISUAL', 'TMPDIR']);
/** Session metadata the SDK adds for the tool; not secret. */
const SDK_SESSION_VARS = /^PI_(SESSION_ID|SESSION_FILE|PROVIDER|MODEL|REASONING_LEVEL)$/;

export function scrubToolEnv(env: NodeJS.ProcessEnv, passthrough: readonly string[] = []): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  const extra = new Set(passthrough);
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (ALLOWED.has(k) || k.startsWith('LC_') || extra.has(k) || SDK_SESSION_VARS.test(k)) out[k] = v;
  }
  return out;
}
