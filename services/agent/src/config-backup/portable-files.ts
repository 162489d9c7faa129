// Which config files travel in a backup, where each lives, the mode it is written with (contract
// §7.2/§7.3) and the cheap shape check an imported copy must pass. The contract's export set is the
// default; the rest are opt-in (docs/backup.md). projects.json is the workspace service's, not here.
// A feature that has its own validator lends it here (mcp.json: the MCP module's).
import { serverConfigProblem, serverNameProblem } from '../mcp/mcp-config.js';

export type PortableHome = 'pi-config' | 'forge-data';

export interface PortableFileSpec {
  name: string;
  home: PortableHome;
  /** Mode of a new file; undefined: the default (0644 less the umask). */
  mode: number | undefined;
  /** In the contract's default export set (the others need `?include=`). */
  byDefault: boolean;
  /** Why the parsed JSON is not a valid copy of this file, or undefined. */
  check(value: unknown): string | undefined;
}

type Check = (value: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const anObject: Check = (v) => (isObject(v) ? undefined : 'must be a JSON object');
const anArrayOfObjects: Check = (v) =>
  !Array.isArray(v) ? 'must be a JSON array' : v.every(isObject) ? undefined : 'every entry must be a JSON object';
const withObjectField =
  (field: string): Check =>
  (v) =>
    anObject(v) ?? (isObject(v) && v[field] !== undefined && !isObject(v[field]) ? `"${field}" must be an object` : undefined);

const stringList = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === 'string'));
const overrides: Check = (v) => {
  const problem = withObjectField('projects')(v);
  if (problem || !isObject(v) || v.projects === undefined) return problem;
  for (const [id, entry] of Object.entries(v.projects as Record<string, unknown>))
    if (!isObject(entry) || !stringList(entry.enable) || !stringList(entry.disable))
      return `projects.${id} must be {enable?: string[], disable?: string[]}`;
  return undefined;
};
const credentials: Check = (v) =>
  anObject(v) ?? (Object.values(v as object).every(isObject) ? undefined : 'every provider entry must be an object');
const mcpServers: Check = (v) => {
  const problem = withObjectField('servers')(v);
  if (problem || !isObject(v) || v.servers === undefined) return problem;
  for (const [name, cfg] of Object.entries(v.servers as Record<string, unknown>)) {
    const bad = serverNameProblem(name) ?? serverConfigProblem(cfg);
    if (bad) return `servers.${name}: ${bad}`;
  }
  return undefined;
};
const webhooks: Check = (v) =>
  anArrayOfObjects(v) ??
  ((v as Record<string, unknown>[]).every((w) => typeof w.url === 'string' && /^https?:\/\//i.test(w.url))
    ? undefined
    : 'every webhook needs an http(s) url');

export const PORTABLE_FILES: readonly PortableFileSpec[] = [
  { name: 'mcp.json', home: 'forge-data', mode: 0o600, byDefault: true, check: mcpServers },
  { name: 'settings.json', home: 'pi-config', mode: 0o600, byDefault: true, check: anObject },
  { name: 'models.json', home: 'pi-config', mode: 0o600, byDefault: true, check: withObjectField('providers') },
  { name: 'skills-overrides.json', home: 'forge-data', mode: 0o600, byDefault: true, check: overrides },
  { name: 'tool-overrides.json', home: 'forge-data', mode: 0o600, byDefault: true, check: anObject },
  { name: 'theme.json', home: 'forge-data', mode: undefined, byDefault: true, check: withObjectField('colors') },
  { name: 'quick-actions.json', home: 'forge-data', mode: 0o600, byDefault: true, check: anArrayOfObjects },
  { name: 'auth.json', home: 'pi-config', mode: 0o600, byDefault: false, check: credentials },
  { name: 'webhooks.json', home: 'forge-data', mode: 0o600, byDefault: false, check: webhooks },
  { name: 'prompts-overrides.json', home: 'forge-data', mode: 0o600, byDefault: false, check: overrides },
];

export const portableFile = (name: string) => PORTABLE_FILES.find((f) => f.name === name);

const DANGEROUS_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Parses and checks one imported file: the reason it is refused, or undefined. */
export function portableFileProblem(spec: PortableFileSpec, content: Uint8Array): string | undefined {
  let dangerous = false;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(content).toString('utf8'), (key, v: unknown) => {
      if (DANGEROUS_KEYS.has(key)) dangerous = true;
      return v;
    });
  } catch {
    return 'not valid JSON';
  }
  // Readers merge these objects into others; a __proto__ key there could reach a prototype.
  if (dangerous) return 'contains a __proto__, prototype or constructor key';
  return spec.check(value);
}
