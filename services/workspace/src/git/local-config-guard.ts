// Repository-local config can name programs that plain git operations run: a hooks folder of
// the repo's choosing, clean/smudge filters (run by status and add), credential helpers and
// upload/receive-pack commands (run by fetch and push). The user's own global config is trusted;
// a repository's .git/config is not (it may come from a clone or be written by the agent). These
// `-c` overrides undo what the local config set, keeping git's defaults: hooks still run from the
// repository's own hooks folder (docs/compatibility.md#files-and-git), as they would without the redirect.

/** Parses `git config -z --list` output into [key, value] pairs (keys lower-cased by git). */
export function parseConfigList(output: string): [string, string][] {
  return output.split('\0').filter(Boolean).map((entry) => {
    const nl = entry.indexOf('\n');
    return nl === -1 ? [entry, ''] : [entry.slice(0, nl), entry.slice(nl + 1)];
  });
}

export function localConfigOverrides(local: [string, string][], commonDir: string): string[] {
  const args: string[] = [];
  const keys = new Set(local.map(([k]) => k));
  if (keys.has('core.hookspath')) args.push('-c', `core.hooksPath=${commonDir}/hooks`);
  if ([...keys].some((k) => k === 'credential.helper' || /^credential\..+\.helper$/.test(k))) args.push('-c', 'credential.helper=');
  const drivers = new Set<string>();
  for (const key of keys) {
    const f = /^filter\.(.+)\.(clean|smudge|process)$/.exec(key);
    if (f) drivers.add(f[1]);
  }
  for (const d of drivers) args.push('-c', `filter.${d}.clean=`, '-c', `filter.${d}.smudge=`, '-c', `filter.${d}.process=`, '-c', `filter.${d}.required=false`);
  return args;
}

/**
 * For remote.<name>.uploadpack / receivepack git keeps the FIRST value it reads, so a `-c` cannot
 * override the repository's; the command-line options do. Passed on every fetch, pull and push.
 */
export const SAFE_PACK_OPTIONS = {
  fetch: ['--upload-pack=git-upload-pack'],
  push: ['--receive-pack=git-receive-pack'],
} as const;
