// Which paths the agent's file tools may touch in sandbox mode (contract §5.15). The file tools run
// inside the agent service as the server user, so unlike bash they cannot rely on the kernel: every
// path is resolved to what it really names (realpath of the target, or of its nearest existing
// parent plus the rest) and must lie in WORKSPACE_PATH or PI_CONFIG_DIR, outside the secret places.
// Checking the real path makes `..` traversal and symlinks pointing out of the workspace fail the
// same way as a plain absolute path does.
import { lstat, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { sandboxIdentity, type ForgeConfig } from '@pi-forge/runtime';

export const PATH_DENIED_PREFIX = 'agent_tool_path_denied:';

export class ToolPathDeniedError extends Error {
  constructor(path: string, why: string) {
    super(`${PATH_DENIED_PREFIX} ${path} ${why}`);
    this.name = 'ToolPathDeniedError';
  }
}

export interface ToolPathPolicyOptions {
  workspace: string;
  piConfigDir: string;
  forgeDataDir: string;
  /** Homes whose credential folders are refused (the tool home and the server's). */
  homes: string[];
}

const SYSTEM_DENIED = ['/proc', '/etc', '/run/secrets', '/var/run/secrets'];
const CONFIG_SECRETS = ['auth.json', 'models.json', 'settings.json'];
const HOME_SECRETS = ['.ssh', '.aws', '.kube', '.gnupg'];
const MAX_LINKS = 40;

function within(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** realpath of an existing path; for a missing one, realpath of the nearest existing parent plus the rest. */
export async function resolveReal(path: string, depth = 0): Promise<string> {
  const abs = resolve(path);
  try {
    return await realpath(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // A dangling symlink would let a write create its target anywhere: refuse it outright.
  const link = await lstat(abs).catch(() => undefined);
  if (link?.isSymbolicLink()) throw new ToolPathDeniedError(abs, 'is a symlink to a missing target');
  const parent = dirname(abs);
  if (parent === abs || depth > MAX_LINKS) return abs;
  return join(await resolveReal(parent, depth + 1), basename(abs));
}

export class ToolPathPolicy {
  private constructor(
    private readonly allowed: string[],
    private readonly deniedTrees: string[],
    private readonly deniedFiles: string[],
  ) {}

  static async create(o: ToolPathPolicyOptions): Promise<ToolPathPolicy> {
    // Each place is refused both as configured and as it really is (a configured path may be a link).
    const both = async (p: string) => [...new Set([resolve(p), await resolveReal(p).catch(() => resolve(p))])];
    const allowed = (await Promise.all([o.workspace, o.piConfigDir].map(both))).flat();
    const trees = (
      await Promise.all([o.forgeDataDir, ...SYSTEM_DENIED, ...o.homes.flatMap((h) => HOME_SECRETS.map((s) => join(h, s)))].map(both))
    ).flat();
    const files = (await Promise.all(CONFIG_SECRETS.map((f) => both(join(o.piConfigDir, f))))).flat();
    return new ToolPathPolicy(allowed, trees, files);
  }

  /** The real path the tool may use, or a ToolPathDeniedError whose message starts with the prefix. */
  async check(path: string): Promise<string> {
    const lexical = resolve(path);
    let real: string;
    try {
      real = await resolveReal(lexical);
    } catch (err) {
      if (err instanceof ToolPathDeniedError) throw err;
      throw new ToolPathDeniedError(lexical, 'cannot be resolved');
    }
    for (const p of [lexical, real]) {
      if (this.deniedTrees.some((d) => within(d, p)) || this.deniedFiles.includes(p)) {
        throw new ToolPathDeniedError(lexical, 'is a protected location');
      }
    }
    if (!this.allowed.some((a) => within(a, real))) {
      throw new ToolPathDeniedError(
        lexical,
        real === lexical ? 'is outside the workspace and the pi config folder' : 'leads outside the workspace and the pi config folder',
      );
    }
    return real;
  }

  /** Whether a path is allowed, without the reason (for @path expansion). */
  async allows(path: string): Promise<boolean> {
    return this.check(path).then(
      () => true,
      () => false,
    );
  }
}

const policies = new WeakMap<ForgeConfig, Promise<ToolPathPolicy>>();

/** The policy of this configuration when the sandbox is on (built once), else undefined. */
export function sandboxPathPolicy(config: ForgeConfig): Promise<ToolPathPolicy> | undefined {
  const identity = sandboxIdentity(config);
  if (!identity) return undefined;
  let policy = policies.get(config);
  if (!policy) {
    policy = ToolPathPolicy.create({
      workspace: config.WORKSPACE_PATH,
      piConfigDir: config.PI_CONFIG_DIR,
      forgeDataDir: config.FORGE_DATA_DIR,
      homes: [...new Set([identity.home, homedir()])],
    });
    policies.set(config, policy);
  }
  return policy;
}
