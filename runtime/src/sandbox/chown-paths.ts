// Start-up ownership for the sandbox (contract §5.15): the workspace root is handed to the tool
// identity, and AGENT_TOOL_SANDBOX_CHOWN_PATHS lists more trees to hand over recursively. Only
// the workspace, the tool home and PI_CONFIG_DIR's resource folders qualify; pi-forge's data dir,
// the pi config dir itself and the secret files in it are refused at start-up, since a tool
// identity owning them could read or replace secrets.
import { realpathSync } from 'node:fs';
import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ForgeConfig } from '../config/config.js';
import { sandboxIdentity } from './sandbox.js';

export const CHOWNABLE_CONFIG_DIRS = ['skills', 'npm', 'git', 'extensions', 'prompts', 'themes'];
const CONFIG_SECRETS = ['auth.json', 'models.json', 'settings.json'];

function real(p: string): string {
  try {
    return realpathSync(resolve(p));
  } catch {
    return resolve(p);
  }
}

function within(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Why AGENT_TOOL_SANDBOX_CHOWN_PATHS is refused, or undefined. */
export function chownPathsProblem(config: ForgeConfig): string | undefined {
  const paths = config.AGENT_TOOL_SANDBOX_CHOWN_PATHS ?? [];
  if (!paths.length) return undefined;
  if (!config.AGENT_TOOL_SANDBOX_ENABLED) return undefined; // only read in sandbox mode
  const data = real(config.FORGE_DATA_DIR);
  const cfg = real(config.PI_CONFIG_DIR);
  const allowed = [
    real(config.WORKSPACE_PATH),
    real(config.AGENT_TOOL_HOME ?? '/home/pi-tools'),
    ...CHOWNABLE_CONFIG_DIRS.map((d) => join(cfg, d)),
  ];
  for (const given of paths) {
    const p = real(given);
    if (within(data, p) || within(p, data)) return `AGENT_TOOL_SANDBOX_CHOWN_PATHS may not include ${given}: it is or holds FORGE_DATA_DIR`;
    if (within(p, cfg)) return `AGENT_TOOL_SANDBOX_CHOWN_PATHS may not include ${given}: it is or holds PI_CONFIG_DIR`;
    if (CONFIG_SECRETS.some((f) => within(join(cfg, f), p)))
      return `AGENT_TOOL_SANDBOX_CHOWN_PATHS may not include ${given}: a secret file`;
    if (!allowed.some((a) => within(a, p))) {
      return `AGENT_TOOL_SANDBOX_CHOWN_PATHS may not include ${given}: only the workspace, AGENT_TOOL_HOME and PI_CONFIG_DIR/{${CHOWNABLE_CONFIG_DIRS.join(',')}}`;
    }
  }
  return undefined;
}

/**
 * Owner the tool uid, group bits like the owner's (rw, x where the owner has x), links changed as
 * links and never followed. The group stays the server's, so both identities can work there.
 */
export async function adoptForTool(path: string, uid: number, recursive: boolean): Promise<void> {
  const info = await lstat(path);
  await lchown(path, uid, -1);
  if (info.isSymbolicLink()) return;
  const owner = (info.mode >> 6) & 0o7;
  await chmod(path, (info.mode & 0o7707) | (owner << 3));
  if (recursive && info.isDirectory()) for (const e of await readdir(path)) await adoptForTool(join(path, e), uid, true);
}

/** With the sandbox on (as root): the workspace root, then every AGENT_TOOL_SANDBOX_CHOWN_PATHS tree (missing ones skipped). */
export async function prepareSandboxOwnership(config: ForgeConfig): Promise<{ prepared: string[]; missing: string[] }> {
  const identity = sandboxIdentity(config);
  if (!identity || process.getuid?.() !== 0) return { prepared: [], missing: [] };
  const problem = chownPathsProblem(config);
  if (problem) throw new Error(`config: ${problem}`);
  await adoptForTool(config.WORKSPACE_PATH, identity.uid, false);
  const prepared = [config.WORKSPACE_PATH];
  const missing: string[] = [];
  for (const p of config.AGENT_TOOL_SANDBOX_CHOWN_PATHS ?? []) {
    const exists = await lstat(p).then(
      () => true,
      () => false,
    );
    if (!exists) {
      missing.push(p);
      continue;
    }
    await adoptForTool(real(p), identity.uid, true);
    prepared.push(p);
  }
  return { prepared, missing };
}
