// LDAP login (docs/compatibility.md#auth-and-security): service bind → subtree search with the RFC 4515-escaped username →
// exactly one entry → optional group check → bind as that entry with the given password. The
// directory is reached through the LdapConnector port (ldapts in production, a fake in specs).
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Client } from 'ldapts';
import { CONFIG, LOGGER, type ForgeConfig } from '@pi-forge/runtime';

export interface LdapEntry {
  dn: string;
  [attribute: string]: unknown;
}

/** One connection to the directory; closed with unbind() whatever happened. */
export interface LdapConnection {
  bind(dn: string, password: string): Promise<void>;
  search(baseDn: string, options: { filter: string; sizeLimit: number; attributes: string[] }): Promise<LdapEntry[]>;
  unbind(): Promise<void>;
}

export interface LdapConnectOptions {
  url: string;
  timeoutMs: number;
  rejectUnauthorized: boolean;
}

/** Opens a connection (lazily: errors surface on the first operation). */
export abstract class LdapConnector {
  abstract connect(options: LdapConnectOptions): LdapConnection;
}

@Injectable()
export class LdaptsConnector extends LdapConnector {
  connect(options: LdapConnectOptions): LdapConnection {
    const client = new Client({
      url: options.url,
      timeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
      // Only for ldaps://: ldapts starts TLS whenever tlsOptions is given, even on ldap://.
      ...(/^ldaps:/i.test(options.url) ? { tlsOptions: { rejectUnauthorized: options.rejectUnauthorized } } : {}),
    });
    return {
      bind: (dn, password) => client.bind(dn, password),
      search: async (baseDn, o) =>
        (await client.search(baseDn, { scope: 'sub', filter: o.filter, sizeLimit: o.sizeLimit, attributes: o.attributes })).searchEntries,
      unbind: () => client.unbind(),
    };
  }
}

/** RFC 4515 §3: the characters that would change a filter's meaning, escaped as \XX. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** DNs compared the way people write them: case and the spaces after commas do not matter. */
function normalizeDn(dn: string): string {
  return dn
    .trim()
    .toLowerCase()
    .replace(/\s*([,=+])\s*/g, '$1');
}

function attributeValues(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

export type LdapFailure =
  'user_not_found' | 'ambiguous_user' | 'not_in_group' | 'bad_credentials' | 'service_bind_failed' | 'directory_error';
export type LdapOutcome = { ok: true } | { ok: false; reason: LdapFailure };

@Injectable()
export class LdapLogin {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly connector: LdapConnector,
  ) {}

  /** URL, service DN, service password and base DN are all needed (else 503 ldap_not_configured). */
  get configured(): boolean {
    const c = this.config;
    return !!(c.LDAP_URL && /^ldaps?:\/\//i.test(c.LDAP_URL) && c.LDAP_BIND_DN && c.LDAP_BIND_PASSWORD && c.LDAP_BASE_DN);
  }

  async verify(username: string, password: string): Promise<LdapOutcome> {
    const c = this.config;
    const url = c.LDAP_URL!;
    // Never log the password; the username only once the directory knows it (a name typed into the
    // wrong field may be someone's password).
    const context = { url, baseDn: c.LDAP_BASE_DN, tls: /^ldaps:/i.test(url) ? 'ldaps' : 'plain' };
    const outcome = await this.run(username, password);
    if (outcome.ok) this.logger.info({ ...context, user: username }, '[ldap] login succeeded');
    else {
      const known = outcome.reason === 'not_in_group' || outcome.reason === 'bad_credentials';
      this.logger.warn({ ...context, user: known ? username : '(unknown name)', reason: outcome.reason }, '[ldap] login failed');
    }
    return outcome;
  }

  private async run(username: string, password: string): Promise<LdapOutcome> {
    const c = this.config;
    // A zero-length password is an unauthenticated bind, which many directories accept.
    if (!password) return { ok: false, reason: 'bad_credentials' };
    const connection = this.connector.connect({
      url: c.LDAP_URL!,
      timeoutMs: c.LDAP_TIMEOUT_MS,
      rejectUnauthorized: c.LDAP_TLS_REJECT_UNAUTHORIZED,
    });
    try {
      try {
        await connection.bind(c.LDAP_BIND_DN!, c.LDAP_BIND_PASSWORD!);
      } catch (err) {
        this.logger.error({ url: c.LDAP_URL, bindDn: c.LDAP_BIND_DN, err: describe(err) }, '[ldap] service bind failed');
        return { ok: false, reason: 'service_bind_failed' };
      }
      const filter = c.LDAP_USER_FILTER.split('{{username}}').join(escapeFilterValue(username));
      let entries: LdapEntry[];
      try {
        entries = await connection.search(c.LDAP_BASE_DN!, { filter, sizeLimit: 2, attributes: [c.LDAP_GROUP_ATTRIBUTE] });
      } catch (err) {
        // More than two matches makes the server stop with sizeLimitExceeded: ambiguous, not an outage.
        if ((err as { code?: number }).code === 4) return { ok: false, reason: 'ambiguous_user' };
        this.logger.error({ url: c.LDAP_URL, err: describe(err) }, '[ldap] search failed');
        return { ok: false, reason: 'directory_error' };
      }
      if (entries.length === 0) return { ok: false, reason: 'user_not_found' };
      if (entries.length > 1) return { ok: false, reason: 'ambiguous_user' };
      const [entry] = entries;
      if (c.LDAP_REQUIRED_GROUP_DN) {
        const wanted = normalizeDn(c.LDAP_REQUIRED_GROUP_DN);
        const groups = attributeValues(entry[c.LDAP_GROUP_ATTRIBUTE]).map(normalizeDn);
        if (!groups.includes(wanted)) return { ok: false, reason: 'not_in_group' };
      }
      try {
        await connection.bind(entry.dn, password);
      } catch (err) {
        if ((err as { code?: number }).code === 49) return { ok: false, reason: 'bad_credentials' };
        this.logger.error({ url: c.LDAP_URL, err: describe(err) }, '[ldap] user bind failed');
        return { ok: false, reason: 'directory_error' };
      }
      return { ok: true };
    } finally {
      await connection.unbind().catch(() => undefined);
    }
  }
}

/** An error's name, code and message: ldapts errors never carry the bind password. */
function describe(err: unknown): Record<string, unknown> {
  const e = err as { name?: string; code?: unknown; message?: string };
  return { name: e?.name, code: e?.code, message: e?.message };
}
