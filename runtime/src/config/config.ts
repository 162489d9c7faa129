// Parses CLI flags and env vars once into a typed, frozen config. Flags win over env; empty env
// values count as unset; `@path` on a sensitive flag reads the secret from a file; `*_FILE` vars
// win over their plain twin. Nothing else in pi-forge reads process.env for settings.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_OPTIONS, type OptionSpec, type OptionType, type ProcessName, type RawLookup } from './config-options.js';
import { chownPathsProblem } from '../sandbox/chown-paths.js';

type Spec = (typeof CONFIG_OPTIONS)[number];
type ValueOf<T extends OptionType> = T extends 'int' ? number : T extends 'bool' ? boolean : T extends 'list' ? string[] : string;

/** Every setting, keyed by its env var name; options without a default may be undefined (lists are empty). */
export type ForgeConfig = {
  readonly [S in Spec as S['env']]: S extends { default: unknown }
    ? ValueOf<S['type']>
    : S['type'] extends 'list'
      ? string[]
      : ValueOf<S['type']> | undefined;
} & {
  /** The raw string of every set option (flags merged over env), for handing to child processes. */
  readonly raw: Readonly<Record<string, string>>;
  /** A copy of the process environment at start-up, for building scrubbed child environments. */
  readonly inheritedEnv: Readonly<Record<string, string>>;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ParsedArgs {
  /** Flag values keyed by env var name. */
  values: Record<string, string>;
  /** Flags whose value came from an `@file` (refused when the sandbox is on). */
  fromFiles: string[];
  help: boolean;
  version: boolean;
}

const BY_FLAG = new Map<string, OptionSpec>(CONFIG_OPTIONS.map((o) => [o.flag, o]));
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);
/** `*_FILE` variables whose file contents replace the plain variable. */
const FILE_TWINS: Record<string, string> = {
  UI_PASSWORD_FILE: 'UI_PASSWORD',
  LDAP_BIND_PASSWORD_FILE: 'LDAP_BIND_PASSWORD',
  GRPC_SECRET_FILE: 'GRPC_SECRET',
};

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values: Record<string, string> = {};
  const fromFiles: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--version' || arg === '-v') {
      version = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}" (flags start with --; see --help)`);
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let inline = eq === -1 ? undefined : arg.slice(eq + 1);
    let spec = BY_FLAG.get(name);
    if (!spec && name.startsWith('no-') && BY_FLAG.get(name.slice(3))?.type === 'bool' && inline === undefined) {
      spec = BY_FLAG.get(name.slice(3));
      name = name.slice(3);
      inline = 'false';
    }
    if (!spec) throw new ConfigError(`unknown flag --${name} (see --help)`);
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (
        spec.type === 'bool' &&
        (next === undefined || next.startsWith('--') || !(TRUE.has(next.toLowerCase()) || FALSE.has(next.toLowerCase())))
      ) {
        value = 'true';
      } else if (next === undefined) {
        throw new ConfigError(`--${name} needs a value`);
      } else {
        value = next;
        i++;
      }
    }
    if (spec.sensitive && value.startsWith('@')) {
      value = readSecretFile(value.slice(1), `--${name}`);
      fromFiles.push(`--${name}`);
    }
    values[spec.env] = value;
  }
  return { values, fromFiles, help, version };
}

/**
 * The sandbox needs numeric ids, and with it on, secrets may not come from files (docs/compatibility.md#auth-and-security,
 * §5.15): a secret file readable by the server could end up readable by the tool identity too.
 */
function assertSandboxSettings(merged: Record<string, string>, fromFiles: readonly string[]): void {
  if (!TRUE.has((merged.AGENT_TOOL_SANDBOX_ENABLED ?? '').trim().toLowerCase())) return;
  for (const name of ['AGENT_TOOL_UID', 'AGENT_TOOL_GID']) {
    if (!/^\d+$/.test((merged[name] ?? '').trim())) throw new ConfigError(`config: AGENT_TOOL_SANDBOX_ENABLED needs a numeric ${name}`);
  }
  const files = [...fromFiles, ...Object.keys(FILE_TWINS).filter((v) => merged[v])];
  if (files.length)
    throw new ConfigError(
      `config: AGENT_TOOL_SANDBOX_ENABLED refuses secrets read from files (${files.join(', ')}); pass the value itself`,
    );
}

function readSecretFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`${what}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!text) throw new ConfigError(`${what}: ${path} is empty`);
  return text;
}

export interface LoadConfigOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** Parses flags (if any) and env into a frozen config; throws ConfigError naming the bad variable. */
export function loadConfig(options: LoadConfigOptions = {}): ForgeConfig {
  const env = options.env ?? process.env;
  const parsed = options.argv ? parseArgs(options.argv) : undefined;
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') merged[k] = v;
  Object.assign(merged, parsed?.values ?? {});
  assertSandboxSettings(merged, parsed?.fromFiles ?? []);
  for (const [fileVar, plain] of Object.entries(FILE_TWINS)) {
    if (merged[fileVar]) merged[plain] = readSecretFile(merged[fileVar], fileVar);
  }
  const lookup: RawLookup = (name) => merged[name];
  const out: Record<string, unknown> = {};
  const raw: Record<string, string> = {};
  for (const spec of CONFIG_OPTIONS as readonly OptionSpec[]) {
    let text: string | undefined = merged[spec.env];
    const fromDefault = text === undefined;
    if (fromDefault && spec.default !== undefined) {
      text = typeof spec.default === 'function' ? spec.default(lookup) : spec.default;
    }
    if (text === undefined) {
      out[spec.env] = spec.type === 'list' ? [] : undefined;
      continue;
    }
    if (!fromDefault) raw[spec.env] = text;
    // Later derived defaults (SESSION_DIR from WORKSPACE_PATH) see the resolved value.
    merged[spec.env] = text;
    out[spec.env] = convert(spec, text);
    const problem = spec.validate?.(out[spec.env] as never);
    if (problem) throw new ConfigError(`config: ${spec.env} ${problem}`);
  }
  const inheritedEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) inheritedEnv[k] = v;
  const config = Object.freeze({ ...out, raw: Object.freeze(raw), inheritedEnv: Object.freeze(inheritedEnv) }) as unknown as ForgeConfig;
  const chownProblem = chownPathsProblem(config);
  if (chownProblem) throw new ConfigError(`config: ${chownProblem}`);
  return config;
}

function convert(spec: OptionSpec, text: string): unknown {
  const name = spec.env;
  switch (spec.type) {
    case 'bool': {
      const v = text.trim().toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      throw new ConfigError(`config: ${name} must be a boolean (true/false/1/0/yes/no/on/off), got "${text}"`);
    }
    case 'int': {
      if (!/^\d+$/.test(text.trim())) throw new ConfigError(`config: ${name} must be a non-negative integer, got "${text}"`);
      const n = Number(text.trim());
      const tooLow = spec.min !== undefined && n < spec.min;
      const tooHigh = spec.max !== undefined && n > spec.max;
      if (tooLow || tooHigh) {
        if (spec.outOfRange === 'fallback' && typeof spec.default === 'string') return Number(spec.default);
        throw new ConfigError(`config: ${name} must be between ${spec.min ?? 0} and ${spec.max ?? '∞'}, got ${n}`);
      }
      return n;
    }
    case 'list':
      return text.split(/[\s,]+/).filter(Boolean);
    case 'path':
      return resolve(text);
    case 'url': {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new ConfigError(`config: ${name} must be an absolute http(s) URL, got "${text}"`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new ConfigError(`config: ${name} must be an http(s) URL, got "${text}"`);
      return text;
    }
    default:
      // Never echo the value: minLength guards secrets.
      if (spec.minLength !== undefined && text.length < spec.minLength) {
        throw new ConfigError(`config: ${name} must be at least ${spec.minLength} characters, got ${text.length}`);
      }
      if (spec.choices && !spec.choices.includes(text)) {
        throw new ConfigError(`config: ${name} must be one of ${spec.choices.join(', ')}, got "${text}"`);
      }
      return text;
  }
}

/**
 * The environment for one child process of the launcher: the inherited environment without any
 * pi-forge setting, plus the raw values of the settings that process needs. So the agent, pty and
 * workspace services never see API_KEY, JWT_SECRET or UI_PASSWORD.
 */
export function childEnvironment(config: ForgeConfig, proc: ProcessName): Record<string, string> {
  const env: Record<string, string> = {};
  const configNames = new Set<string>([...CONFIG_OPTIONS.map((o) => o.env), ...Object.keys(FILE_TWINS)]);
  for (const [k, v] of Object.entries(config.inheritedEnv)) if (!configNames.has(k)) env[k] = v;
  for (const spec of CONFIG_OPTIONS as readonly OptionSpec[]) {
    if (spec.processes && !spec.processes.includes(proc)) continue;
    const value = (config as unknown as Record<string, unknown>)[spec.env];
    if (value === undefined) continue;
    env[spec.env] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return env;
}

/** `--help` text, grouped by category. */
export function helpText(command: string): string {
  const lines = [
    `Usage: ${command} [--flag value]…`,
    '',
    'Every flag also reads from its env var; flags win. Sensitive flags accept @/path/to/file.',
    '',
  ];
  const categories = [...new Set(CONFIG_OPTIONS.map((o) => o.category))];
  for (const category of categories) {
    lines.push(`${category}:`);
    for (const spec of CONFIG_OPTIONS as readonly OptionSpec[]) {
      if (spec.category !== category) continue;
      const def = typeof spec.default === 'string' ? ` (default: ${spec.default})` : '';
      const arg = spec.type === 'bool' ? '' : spec.sensitive ? ' <value|@file>' : ` <${spec.type}>`;
      lines.push(`  --${spec.flag}${arg}`.padEnd(52) + `${spec.env}${def}`);
      lines.push(`      ${spec.help}`);
    }
    lines.push('');
  }
  lines.push('  -h, --help                                      Show this help.');
  lines.push('  -v, --version                                   Print the version.');
  return lines.join('\n');
}
