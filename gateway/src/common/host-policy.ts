// DNS rebinding and cross-site use of an open gateway (issue 12.7). With no credentials configured,
// whoever reaches the port controls the machine, and a web page can reach a loopback port too: by
// rebinding its own name to 127.0.0.1 (the browser then sends `Host: evil.example`), or by calling
// http://localhost:3000 from its own origin. So while auth is off, a request is answered only when its
// Host is loopback, the bound HOST or an ALLOWED_HOSTS entry (else 421 `host_not_allowed`), and when
// its Origin, if any, is one of those, the request's own host or a CORS_ORIGIN entry (else 403
// `origin_not_allowed`). HTTP, SSE and the terminal upgrade all pass through `check()`.
import { Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { AuthGate } from '../auth/auth-gate.js';
import { OriginPolicy } from './cors.js';

export type HostDecision =
  { ok: true } | { ok: false; status: 421 | 403; error: 'host_not_allowed' | 'origin_not_allowed'; message: string };

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

/** The host name of a Host header value (`name:port`, `[v6]:port`), lower-cased, without a trailing dot. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']')) : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || LOOPBACK_V4.test(name) || name === '::1' || /^::ffff:127\./.test(name);
}

@Injectable()
export class HostPolicy {
  private readonly names: ReadonlySet<string>;

  constructor(
    @Inject(CONFIG) config: ForgeConfig,
    private readonly gate: AuthGate,
    private readonly origins: OriginPolicy,
  ) {
    const bound = hostnameOf(config.HOST.includes(':') && !config.HOST.startsWith('[') ? `[${config.HOST}]` : config.HOST);
    this.names = new Set([...config.ALLOWED_HOSTS.map(hostnameOf), ...(WILDCARD.has(bound) ? [] : [bound])]);
  }

  /** Loopback, the bound address or an ALLOWED_HOSTS entry. */
  knownHostname(name: string): boolean {
    return isLoopbackName(name) || this.names.has(name);
  }

  check(headers: IncomingHttpHeaders): HostDecision {
    if (this.gate.enabled) return { ok: true };
    const host = headers.host;
    // No Host at all is not a browser (every browser sends one), so it is no rebinding either.
    if (host !== undefined && !this.knownHostname(hostnameOf(host))) {
      return {
        ok: false,
        status: 421,
        error: 'host_not_allowed',
        message:
          'auth is off, so this gateway only answers loopback, HOST and ALLOWED_HOSTS names; add the name to ALLOWED_HOSTS or turn auth on',
      };
    }
    const origin = headers.origin;
    if (origin !== undefined && !this.originAllowed(origin, host)) {
      return {
        ok: false,
        status: 403,
        error: 'origin_not_allowed',
        message: 'auth is off, so only same-origin pages (or CORS_ORIGIN entries) may call this gateway',
      };
    }
    return { ok: true };
  }

  /** An Origin of the gateway itself (its Host), of a known host name, or pinned in CORS_ORIGIN. */
  originAllowed(origin: string, host: string | undefined): boolean {
    if (this.origins.pinned?.has(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // `null` (sandboxed frames, file://) included
    }
    if (host !== undefined && url.host === host.toLowerCase()) return true;
    return this.knownHostname(hostnameOf(url.host));
  }
}
