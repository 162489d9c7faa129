// MCP server configuration (docs/mcp.md, contract §1.10 M1–M3, §7.2): the global `${FORGE_DATA_DIR}/mcp.json`
// (edited through the API, 0600, atomic) and a project's read-only `<project>/.mcp.json` (pi-forge's
// `servers` shape or Claude Desktop's `mcpServers`). Pure functions: parsing, validation, redaction and
// the sentinel rule that lets a client send back what it read without erasing a secret.

export type McpTransportWord = 'auto' | 'streamable-http' | 'sse';
export const MCP_TRANSPORTS: readonly McpTransportWord[] = ['auto', 'streamable-http', 'sse'];

export interface McpServerConfig {
  enabled?: boolean;
  url?: string;
  transport?: McpTransportWord;
  headers?: Record<string, string>;
  ignoreCertificateErrors?: boolean;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface McpTruncation {
  enabled: boolean;
  maxChars: number;
}

export interface McpFile {
  disabled?: boolean;
  truncation?: McpTruncation;
  servers: Record<string, McpServerConfig>;
}

export const MCP_FILE = 'mcp.json';
export const PROJECT_MCP_FILE = '.mcp.json';
export const REDACTED = '***REDACTED***';
export const DEFAULT_TRUNCATION: McpTruncation = Object.freeze({ enabled: true, maxChars: 30_000 });
export const MAX_TRUNCATION_CHARS = 1_000_000;
export const SERVER_NAME_MAX = 64;
/** Bridged tool names are `<server>__<tool>`; a server name stays a plain word so the split is unambiguous. */
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown): v is Record<string, string> => isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

/** Why a server name is not acceptable, or undefined. */
export function serverNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > SERVER_NAME_MAX) return `server name must be 1..${SERVER_NAME_MAX} characters`;
  if (!SERVER_NAME.test(name)) return 'server name may use letters, digits, "_" and "-" and must start with a letter or digit';
  if (name.includes('__')) return 'server name must not contain "__" (it separates server and tool in bridged names)';
  return undefined;
}

/** Why a server config is not acceptable (exactly one of url/command, field types), or undefined. */
export function serverConfigProblem(cfg: unknown): string | undefined {
  if (!isRecord(cfg)) return 'server config must be an object';
  const hasUrl = cfg.url !== undefined && cfg.url !== '';
  const hasCommand = cfg.command !== undefined && cfg.command !== '';
  if (hasUrl === hasCommand) return 'exactly one of url and command is required';
  if (hasUrl) {
    if (typeof cfg.url !== 'string') return 'url must be a string';
    let url: URL;
    try {
      url = new URL(cfg.url);
    } catch {
      return 'url is not a valid URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must be http(s)';
    if (cfg.transport !== undefined && !MCP_TRANSPORTS.includes(cfg.transport as McpTransportWord))
      return `transport must be one of ${MCP_TRANSPORTS.join(', ')}`;
    if (cfg.headers !== undefined && !isStringMap(cfg.headers)) return 'headers must map names to strings';
  }
  if (hasCommand) {
    if (typeof cfg.command !== 'string') return 'command must be a string';
    if (cfg.args !== undefined && !(Array.isArray(cfg.args) && cfg.args.every((a) => typeof a === 'string'))) return 'args must be strings';
    if (cfg.env !== undefined && !isStringMap(cfg.env)) return 'env must map names to strings';
    if (cfg.cwd !== undefined && typeof cfg.cwd !== 'string') return 'cwd must be a string';
  }
  if (cfg.enabled !== undefined && typeof cfg.enabled !== 'boolean') return 'enabled must be a boolean';
  if (cfg.ignoreCertificateErrors !== undefined && typeof cfg.ignoreCertificateErrors !== 'boolean')
    return 'ignoreCertificateErrors must be a boolean';
  return undefined;
}

/** The config with only the fields that belong to its kind (remote or stdio), in a stable order. */
export function normalizeServer(cfg: McpServerConfig): McpServerConfig {
  const out: McpServerConfig = {};
  if (cfg.enabled === false) out.enabled = false;
  if (cfg.url) {
    out.url = cfg.url;
    if (cfg.transport && cfg.transport !== 'auto') out.transport = cfg.transport;
    if (cfg.headers && Object.keys(cfg.headers).length) out.headers = { ...cfg.headers };
    if (cfg.ignoreCertificateErrors) out.ignoreCertificateErrors = true;
  } else {
    out.command = cfg.command;
    if (cfg.args?.length) out.args = [...cfg.args];
    if (cfg.env && Object.keys(cfg.env).length) out.env = { ...cfg.env };
    if (cfg.cwd) out.cwd = cfg.cwd;
  }
  return out;
}

const redactMap = (m: Record<string, string> | undefined) => (m ? Object.fromEntries(Object.keys(m).map((k) => [k, REDACTED])) : undefined);

/** What the API shows: header and env values replaced by the sentinel (names stay visible). */
export function redactServer(cfg: McpServerConfig): McpServerConfig {
  const out: McpServerConfig = { ...cfg };
  if (cfg.headers) out.headers = redactMap(cfg.headers);
  if (cfg.env) out.env = redactMap(cfg.env);
  return out;
}

/** An incoming config whose sentinel header/env values take the stored value of the same name (dropped when there is none). */
export function keepRedactedValues(incoming: McpServerConfig, stored: McpServerConfig | undefined): McpServerConfig {
  const merge = (next: Record<string, string> | undefined, old: Record<string, string> | undefined) => {
    if (!next) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(next)) {
      if (v !== REDACTED) out[k] = v;
      else if (old?.[k] !== undefined) out[k] = old[k];
    }
    return out;
  };
  return { ...incoming, headers: merge(incoming.headers, stored?.headers), env: merge(incoming.env, stored?.env) };
}

export function effectiveTruncation(file: Pick<McpFile, 'truncation'>): McpTruncation {
  const t = file.truncation;
  const maxChars = Number.isInteger(t?.maxChars) && t!.maxChars >= 1 && t!.maxChars <= MAX_TRUNCATION_CHARS ? t!.maxChars : undefined;
  return { enabled: t?.enabled ?? DEFAULT_TRUNCATION.enabled, maxChars: maxChars ?? DEFAULT_TRUNCATION.maxChars };
}

/** The file as written: `truncation` only when it differs from the default, `disabled` only when true. */
export function serializeMcpFile(file: McpFile): McpFile {
  const out: McpFile = { servers: {} };
  if (file.disabled) out.disabled = true;
  const t = effectiveTruncation(file);
  if (t.enabled !== DEFAULT_TRUNCATION.enabled || t.maxChars !== DEFAULT_TRUNCATION.maxChars) out.truncation = t;
  for (const [name, cfg] of Object.entries(file.servers)) out.servers[name] = normalizeServer(cfg);
  return out;
}

export interface ParsedServers {
  servers: Record<string, McpServerConfig>;
  /** Entries left out, with why (logged; one bad entry never hides the others). */
  skipped: { name: string; problem: string }[];
}

/** The servers of a parsed mcp.json / .mcp.json document: `servers` or Claude Desktop's `mcpServers` (both merged, `servers` wins). */
export function serversOf(doc: unknown): ParsedServers {
  const out: ParsedServers = { servers: {}, skipped: [] };
  if (!isRecord(doc)) return out;
  const entries = { ...(isRecord(doc.mcpServers) ? doc.mcpServers : {}), ...(isRecord(doc.servers) ? doc.servers : {}) };
  for (const [name, raw] of Object.entries(entries)) {
    const problem = serverNameProblem(name) ?? serverConfigProblem(raw);
    if (problem) out.skipped.push({ name, problem });
    else out.servers[name] = normalizeServer(raw as McpServerConfig);
  }
  return out;
}

/** The global file from its text (missing or unreadable → empty, never an exception). */
export function parseMcpFile(text: string | undefined): McpFile & { skipped: ParsedServers['skipped'] } {
  let doc: unknown;
  try {
    doc = text === undefined ? {} : JSON.parse(text);
  } catch {
    doc = {};
  }
  const { servers, skipped } = serversOf(doc);
  const rec = isRecord(doc) ? doc : {};
  const truncation = isRecord(rec.truncation) ? (rec.truncation as unknown as McpTruncation) : undefined;
  return { disabled: rec.disabled === true, truncation: effectiveTruncation({ truncation }), servers, skipped };
}
