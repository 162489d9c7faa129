// Repository config can name programs that plain git operations run: clean/smudge filters (run
// by status, add and diff), gpg programs (commit.gpgSign, log.showSignature), credential helpers,
// core.gitProxy (fetch over git://), merge drivers, textconv… The user's global and the system
// config are trusted; the repository's .git/config and every file it includes are not (a clone or
// the agent may have written them). So before each operation we read the config the way git will
// (`--includes --show-scope --show-origin`), and for every program-valued key that a repo-local
// or included file sets we put back the trusted value, or git's harmless default, as
// command-scope config (GIT_CONFIG_COUNT, see GitRunner), which wins over every file and reaches
// the git processes git itself starts. Hooks still run from the repository's own hooks folder
// (docs/compatibility.md#files-and-git), as they would without a redirect.
//
// Every program-valued key git documents is classified in CONFIG_KEY_HANDLING; a spec checks the
// list against `git help --config`, so a key added by a newer git fails the build until handled.

/** One entry of `git config -z --includes --show-scope --show-origin --list`. */
export interface ConfigEntry {
  scope: string;
  origin: string;
  key: string;
  value: string;
}

/** Config and environment to add to every git call in one repository. */
export interface ConfigOverrides {
  config: [string, string][];
  env: Record<string, string>;
}

/** Parses `git config -z --list` output into [key, value] pairs (keys lower-cased by git). */
export function parseConfigList(output: string): [string, string][] {
  return output
    .split('\0')
    .filter(Boolean)
    .map((entry) => splitEntry(entry));
}

function splitEntry(entry: string): [string, string] {
  const nl = entry.indexOf('\n');
  return nl === -1 ? [entry, ''] : [entry.slice(0, nl), entry.slice(nl + 1)];
}

/** Parses `git config -z --includes --show-scope --show-origin --list` (scope NUL origin NUL key LF value NUL). */
export function parseConfigListing(output: string): ConfigEntry[] {
  const parts = output.split('\0');
  const out: ConfigEntry[] = [];
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const [key, value] = splitEntry(parts[i + 2]);
    out.push({ scope: parts[i], origin: parts[i + 1], key, value });
  }
  return out;
}

/** Scopes whose files belong to the user or the administrator; `command` is our own overrides. */
const TRUSTED_SCOPES = new Set(['system', 'global', 'command']);

const MERGE_FILE = 'git merge-file --marker-size=%L %A %O %B';
const GPG_DEFAULTS: Record<string, string> = { openpgp: 'gpg', x509: 'gpgsm', ssh: 'ssh-keygen' };

interface Rule {
  key: RegExp;
  /** Overrides for one untrusted key; `trusted(k)` lists k's values from trusted scopes, in order. */
  neutralise: (
    m: RegExpExecArray,
    trusted: (key: string) => string[],
    ctx: { commonDir: string; value: string },
  ) => ConfigOverrides['config'] | { env: Record<string, string> };
}

const lastOr = (values: string[], fallback: string) => values.at(-1) ?? fallback;

const RULES: Rule[] = [
  { key: /^core\.hookspath$/, neutralise: (_m, t, c) => [['core.hooksPath', lastOr(t('core.hookspath'), `${c.commonDir}/hooks`)]] },
  {
    key: /^filter\.(.+)\.(clean|smudge|process|required)$/,
    neutralise: ([, d], t) => [
      ...(['clean', 'smudge', 'process'] as const).map((k): [string, string] => [`filter.${d}.${k}`, lastOr(t(`filter.${d}.${k}`), '')]),
      [`filter.${d}.required`, lastOr(t(`filter.${d}.required`), 'false')],
    ],
  },
  { key: /^diff\.(.+)\.textconv$/, neutralise: ([k, d], t) => [[`diff.${d}.textconv`, lastOr(t(k), 'cat')]] },
  { key: /^merge\.(.+)\.driver$/, neutralise: ([k, d], t) => [[`merge.${d}.driver`, lastOr(t(k), MERGE_FILE)]] },
  { key: /^gpg\.program$/, neutralise: (_m, t) => [['gpg.program', lastOr(t('gpg.program'), 'gpg')]] },
  { key: /^gpg\.([^.]+)\.program$/, neutralise: ([k, f], t) => [[`gpg.${f}.program`, lastOr(t(k), GPG_DEFAULTS[f] ?? 'gpg')]] },
  { key: /^gpg\.ssh\.defaultkeycommand$/, neutralise: ([k], t) => [['gpg.ssh.defaultKeyCommand', lastOr(t(k), '')]] },
  // Turning signing on or verification on is what makes git run the gpg program at all.
  {
    key: /^(commit|tag|push)\.gpgsign$|^log\.showsignature$|^(merge|pull)\.verifysignatures$/,
    neutralise: ([k], t) => [[k, lastOr(t(k), 'false')]],
  },
  // A list: an empty value resets it, then the trusted helpers go back in their order.
  { key: /^credential\.(?:(.+)\.)?helper$/, neutralise: ([k], t) => [[k, ''], ...t(k).map((v): [string, string] => [k, v])] },
  // The first matching value wins, so config cannot override it; the environment variable can.
  { key: /^core\.gitproxy$/, neutralise: () => ({ env: { GIT_PROXY_COMMAND: '' } }) },
  { key: /^submodule\.(.+)\.update$/, neutralise: ([k], t, c) => (c.value.startsWith('!') ? [[k, lastOr(t(k), 'checkout')]] : []) },
];

/**
 * Overrides that undo every program-valued setting coming from the repository's own config or a
 * file it includes (entries of `git config --includes --show-scope --show-origin --list`).
 */
export function repoConfigOverrides(entries: ConfigEntry[], commonDir: string): ConfigOverrides {
  const trustedValues = new Map<string, string[]>();
  for (const e of entries) if (TRUSTED_SCOPES.has(e.scope)) trustedValues.set(e.key, [...(trustedValues.get(e.key) ?? []), e.value]);
  const trusted = (key: string) => trustedValues.get(key) ?? [];
  const config = new Map<string, [string, string][]>();
  const env: Record<string, string> = {};
  for (const e of entries) {
    if (TRUSTED_SCOPES.has(e.scope)) continue;
    for (const rule of RULES) {
      const m = rule.key.exec(e.key);
      if (!m) continue;
      const out = rule.neutralise(m, trusted, { commonDir, value: e.value });
      if (Array.isArray(out)) {
        // One entry per overridden key (a filter's four keys count as one), in first-seen order.
        const id = out[0]?.[0] ?? e.key;
        if (out.length && !config.has(id)) config.set(id, out);
      } else Object.assign(env, out.env);
    }
  }
  return { config: [...config.values()].flat(), env };
}

/**
 * How each program-valued key git documents (`git help --config`, placeholders lower-cased) is
 * kept from running a repository's program. `override`: repoConfigOverrides above; `always`:
 * GitRunner's fixed overrides on every call; `flag`: the command line of every call that could
 * reach it; `unreached`: pi-forge never runs a git command that uses it; `not a program`.
 */
export const CONFIG_KEY_HANDLING: [RegExp, string][] = [
  [/^core\.hookspath$|^filter\.<driver>\.(clean|smudge|process)$|^diff\.<driver>\.textconv$|^merge\.<driver>\.driver$/, 'override'],
  [
    /^gpg\.(<format>\.)?program$|^gpg\.ssh\.defaultkeycommand$|^credential\.helper$|^core\.gitproxy$|^submodule\.<name>\.update$/,
    'override',
  ],
  [/^core\.(fsmonitor|askpass|editor|pager|sshcommand)$|^sequence\.editor$/, 'always'],
  [/^diff\.external$|^diff\.<driver>\.command$/, 'flag: every diff runs with --no-ext-diff --no-textconv'],
  [/^remote\.<name>\.(uploadpack|receivepack)$/, 'flag: fetch, pull and push pass --upload-pack / --receive-pack'],
  [/^remote\.<name>\.vcs$/, 'unreached: names git-remote-<vcs>, looked up in PATH only'],
  [
    /^core\.alternaterefscommand$|^uploadpack\.packobjectshook$/,
    'unreached: used when serving this repository (upload-pack), which pi-forge never does; packObjectsHook is read from protected config only',
  ],
  [
    /^(browser|difftool|mergetool|man|guitool)\.<(tool|name)>\.(cmd|path)$|^sendemail\.(cccmd|tocmd)$|^gitcvs\.dbdriver$/,
    'unreached: commands pi-forge never runs',
  ],
  [/^pager\.<cmd>$|^color\.pager$/, 'unreached: git runs no pager without a terminal (and GIT_PAGER=cat)'],
  [
    /^(diff|merge)\.(tool|guitool)$|^diff\.<driver>\.cachetextconv$|^column\.clean$|^core\.quotepath$|^credential\.usehttppath$/,
    'not a program',
  ],
  [
    /^advice\.|^fsck\.|^receive\.|^rerere\.|^rebase\.reschedulefailedexec$|^remote\.<name>\.(proxy|skipdefaultupdate)$|^http\.(proxy|sslcapath)$|^sendemail\.smtpsslcertpath$/,
    'not a program',
  ],
  [/^include\.path$|^includeif\.<condition>\.path$/, 'expanded: the guard reads config with --includes'],
  [/^help\.htmlpath$|^instaweb\.modulepath$/, 'unreached: commands pi-forge never runs'],
];

/** The classification of a documented key, or undefined when it is not classified yet. */
export function configKeyHandling(name: string): string | undefined {
  const key = name.toLowerCase();
  return CONFIG_KEY_HANDLING.find(([re]) => re.test(key))?.[1];
}

/**
 * For remote.<name>.uploadpack / receivepack git keeps the FIRST value it reads, so a `-c` cannot
 * override the repository's; the command-line options do. Passed on every fetch, pull and push.
 */
export const SAFE_PACK_OPTIONS = {
  fetch: ['--upload-pack=git-upload-pack'],
  push: ['--receive-pack=git-receive-pack'],
} as const;
