// The agent-tool identity sandbox (docs/compatibility.md#auth-and-security /config/sandbox): who tools and terminals
// run as, and the tool environment operators set in sandbox-settings.json (FORGE_DATA_DIR). The
// agent service writes that file; the pty and agent services read it fresh at every spawn, so a
// change reaches the next terminal or tool call without a restart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ForgeConfig } from '../config/config.js';
import { writeJsonAtomic } from '../fs/atomic-write.js';

export const SANDBOX_SETTINGS_FILE = 'sandbox-settings.json';
export const TOOL_ENV_MAX_VARS = 100;
export const TOOL_ENV_MAX_VALUE_BYTES = 16 * 1024;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Names a tool environment may never carry: pi-forge's own secrets (so an operator cannot hand
 * them to a model-chosen command by mistake) and variables that change what a shell or the
 * dynamic loader runs.
 */
export const FORBIDDEN_TOOL_ENV = new Set([
  'API_KEY',
  'JWT_SECRET',
  'UI_PASSWORD',
  'UI_PASSWORD_FILE',
  'LDAP_BIND_PASSWORD',
  'LDAP_BIND_PASSWORD_FILE',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'NODE_OPTIONS',
  'BASH_ENV',
  'ENV',
  'PROMPT_COMMAND',
]);

export interface SandboxIdentity {
  uid: number;
  gid: number;
  home: string;
  /** USER / LOGNAME of sandboxed shells (docs/compatibility.md#terminal-protocol). */
  user: string;
}

/** The tool identity when the sandbox is on (config parsing already required the ids). */
export function sandboxIdentity(config: ForgeConfig): SandboxIdentity | undefined {
  if (!config.AGENT_TOOL_SANDBOX_ENABLED || config.AGENT_TOOL_UID === undefined || config.AGENT_TOOL_GID === undefined) return undefined;
  return { uid: config.AGENT_TOOL_UID, gid: config.AGENT_TOOL_GID, home: config.AGENT_TOOL_HOME ?? '/home/pi-tools', user: 'pi-tools' };
}

/** Environment overrides of a sandboxed shell: its HOME and user names. */
export function sandboxEnv(identity: SandboxIdentity): Record<string, string> {
  return { HOME: identity.home, USER: identity.user, LOGNAME: identity.user };
}

/** Why a tool environment is refused, or undefined when it is acceptable. */
export function toolEnvProblem(input: unknown): string | undefined {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return 'toolEnv must be an object of NAME: value strings';
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > TOOL_ENV_MAX_VARS) return `toolEnv may hold at most ${TOOL_ENV_MAX_VARS} variables`;
  for (const [name, value] of entries) {
    if (!NAME.test(name)) return `${JSON.stringify(name)} is not a variable name (letters, digits, _; not starting with a digit)`;
    if (FORBIDDEN_TOOL_ENV.has(name)) return `${name} may not be set for tools`;
    if (typeof value !== 'string') return `${name} must be a string`;
    if (Buffer.byteLength(value, 'utf8') > TOOL_ENV_MAX_VALUE_BYTES) return `${name} is longer than ${TOOL_ENV_MAX_VALUE_BYTES} bytes`;
  }
  return undefined;
}

/** The stored tool environment; a missing or malformed file, or a bad entry in it, counts as unset. */
export function readToolEnv(dataDir: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dataDir, SANDBOX_SETTINGS_FILE), 'utf8'));
  } catch {
    return {};
  }
  const toolEnv = (parsed as { toolEnv?: unknown } | null)?.toolEnv;
  if (!toolEnv || typeof toolEnv !== 'object' || Array.isArray(toolEnv)) return {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(toolEnv as Record<string, unknown>).slice(0, TOOL_ENV_MAX_VARS)) {
    if (toolEnvProblem({ [name]: value }) === undefined) out[name] = value as string;
  }
  return out;
}

/** Replaces the tool environment (caller validated it); 0600, atomic. */
export async function writeToolEnv(dataDir: string, toolEnv: Record<string, string>): Promise<void> {
  await writeJsonAtomic(join(dataDir, SANDBOX_SETTINGS_FILE), { toolEnv }, { mode: 0o600 });
}
