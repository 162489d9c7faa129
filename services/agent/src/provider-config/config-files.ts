// The three SDK config files in PI_CONFIG_DIR that pi-forge edits: auth.json, models.json and
// settings.json, all 0600 (models.json holds custom providers' apiKeys and headers). Reads tolerate a missing file; writes are atomic and serialized per process.
// Secrets leave this module only as presence flags or the redaction sentinel.
import { Inject, Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG, GrpcStatus, forgeError, writeJsonAtomic, type ForgeConfig } from '@pi-forge/runtime';

export const REDACTED = '***REDACTED***';
const DANGEROUS = new Set(['__proto__', 'prototype', 'constructor']);

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface AuthCredential {
  type?: string;
  key?: string;
  [k: string]: unknown;
}

@Injectable()
export class ConfigFiles {
  readonly authPath: string;
  readonly modelsPath: string;
  readonly settingsPath: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    this.authPath = join(config.PI_CONFIG_DIR, 'auth.json');
    this.modelsPath = join(config.PI_CONFIG_DIR, 'models.json');
    this.settingsPath = join(config.PI_CONFIG_DIR, 'settings.json');
  }

  /** Runs read-modify-write steps one at a time so concurrent requests never lose an update. */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async readObject(path: string): Promise<JsonObject> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    if (!text.trim()) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw forgeError(GrpcStatus.INTERNAL, 'config_unreadable', `${path.split('/').pop()} is not valid JSON`);
    }
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonObject) : {};
  }

  async readAuth(): Promise<Record<string, AuthCredential>> {
    return (await this.readObject(this.authPath)) as Record<string, AuthCredential>;
  }

  writeAuth(auth: Record<string, AuthCredential>): Promise<void> {
    return writeJsonAtomic(this.authPath, auth, { mode: 0o600 });
  }

  writeObject(path: string, value: JsonObject): Promise<void> {
    return writeJsonAtomic(path, value, { mode: 0o600 });
  }
}

/** Drops __proto__/prototype/constructor keys at every depth. */
export function stripDangerousKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDangerousKeys);
  if (value && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (!DANGEROUS.has(k)) out[k] = stripDangerousKeys(v);
    return out;
  }
  return value;
}

/** Legacy `apiKeyCommand` (string or argv) becomes `apiKey: "!<command>"`. */
export function migrateProvider(provider: JsonObject): JsonObject {
  const { apiKeyCommand, ...rest } = provider;
  if (apiKeyCommand === undefined || rest.apiKey !== undefined) return apiKeyCommand === undefined ? provider : rest;
  const command = Array.isArray(apiKeyCommand)
    ? apiKeyCommand.map((a) => (/^[\w./=-]+$/.test(String(a)) ? String(a) : `'${String(a).replace(/'/g, `'\\''`)}'`)).join(' ')
    : String(apiKeyCommand);
  return { ...rest, apiKey: `!${command}` };
}

const isObject = (v: Json | undefined): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v);

/** Custom `headers` (provider-level and per model) carry credentials as often as apiKey does. */
function redactHeaders<T extends JsonObject>(holder: T): T {
  if (!isObject(holder.headers)) return holder;
  return { ...holder, headers: Object.fromEntries(Object.keys(holder.headers).map((k) => [k, REDACTED])) };
}

/** Sentinel header values become the stored ones (or are dropped when there is none). */
function mergeHeaders(incoming: JsonObject, stored: JsonObject | undefined): JsonObject {
  if (!isObject(incoming.headers)) return incoming;
  const previous = isObject(stored?.headers) ? stored.headers : {};
  const headers: JsonObject = {};
  for (const [k, v] of Object.entries(incoming.headers)) {
    if (v !== REDACTED) headers[k] = v;
    else if (previous[k] !== undefined) headers[k] = previous[k];
  }
  return { ...incoming, headers };
}

function modelsOf(provider: JsonObject | undefined): JsonObject[] {
  return Array.isArray(provider?.models) ? provider.models.filter(isObject) : [];
}

export function redactProviders(providers: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [name, p] of Object.entries(providers)) {
    if (!p || typeof p !== 'object' || Array.isArray(p)) continue;
    let provider = redactHeaders(migrateProvider(p));
    if (Array.isArray(provider.models))
      provider = { ...provider, models: provider.models.map((m) => (isObject(m) ? redactHeaders(m) : m)) };
    out[name] = provider.apiKey !== undefined ? { ...provider, apiKey: REDACTED } : provider;
  }
  return out;
}

/** The new document, with each sentinel apiKey replaced by the stored one (or dropped). */
export function mergeProviderSecrets(incoming: JsonObject, stored: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [name, p] of Object.entries(incoming)) {
    if (!p || typeof p !== 'object' || Array.isArray(p)) {
      out[name] = p;
      continue;
    }
    const provider = { ...p };
    if (provider.apiKey === REDACTED) {
      const prev = stored[name];
      const prevKey = prev && typeof prev === 'object' && !Array.isArray(prev) ? migrateProvider(prev).apiKey : undefined;
      if (prevKey === undefined) delete provider.apiKey;
      else provider.apiKey = prevKey;
      delete provider.apiKeyCommand;
    }
    const prev = isObject(stored[name]) ? (stored[name] as JsonObject) : undefined;
    let merged = mergeHeaders(provider, prev);
    if (Array.isArray(merged.models)) {
      const storedModels = modelsOf(prev);
      merged = {
        ...merged,
        models: merged.models.map((m) =>
          isObject(m)
            ? mergeHeaders(
                m,
                storedModels.find((s) => s.id === m.id),
              )
            : m,
        ),
      };
    }
    out[name] = merged;
  }
  return out;
}
