// The logo cache (docs/compatibility.md#on-disk-files, LOGO_URL_MODE=cache): at start-up the gateway fetches the configured
// logos once into ${FORGE_DATA_DIR}/cache/logos/<slot>-<sha256(url)[0..16]><ext> and serves them at
// /cache/logos/<file>, so the browser never contacts a third party and the CSP stays same-origin.
// A failed fetch leaves the slot empty: the web app then shows its built-in logo.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, redactUrl, writeFileAtomic, type ForgeConfig } from '@pi-forge/runtime';
import { logoAddressPolicy } from './address-policy.js';
import { CONTENT_TYPE_OF, fetchLogo, LogoFetchError } from './logo-fetcher.js';

export type LogoSlot = 'auth' | 'appDark' | 'appLight';
export const LOGO_ROUTE_PREFIX = '/cache/logos/';
/** Exactly the names this cache writes; anything else under /cache/logos/ is a 404. */
const FILE_NAME = /^(auth|appDark|appLight)-[0-9a-f]{16}\.(svg|png|jpg|gif|webp|avif)$/;

/**
 * An SVG opened directly is a document that could run script; served from our origin it must not.
 * (As an <img> an SVG never runs script anyway.)
 */
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

@Injectable()
export class LogoCache implements OnModuleInit {
  private readonly files = new Map<LogoSlot, string>();
  private settled: Promise<void> = Promise.resolve();

  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get dir(): string {
    return join(this.config.FORGE_DATA_DIR, 'cache', 'logos');
  }

  /** The configured URL of each slot (AUTH_URL_LOGO wins over the legacy AUTH_LOGO_URL). */
  configured(): Partial<Record<LogoSlot, string>> {
    const c = this.config;
    const out: Partial<Record<LogoSlot, string>> = {};
    const auth = c.AUTH_URL_LOGO ?? c.AUTH_LOGO_URL;
    if (auth) out.auth = auth;
    if (c.APP_LOGO_DARK_URL) out.appDark = c.APP_LOGO_DARK_URL;
    if (c.APP_LOGO_LIGHT_URL) out.appLight = c.APP_LOGO_LIGHT_URL;
    return out;
  }

  onModuleInit(): void {
    if (this.config.LOGO_URL_MODE !== 'cache') return;
    this.registerRoute();
    const slots = Object.entries(this.configured()) as [LogoSlot, string][];
    if (slots.length === 0) return;
    const { policy, testLoopback } = logoAddressPolicy();
    if (testLoopback) this.logger.warn('TEST HOOK ACTIVE: logo fetches may reach loopback addresses (never in production)');
    // Not awaited: start-up does not wait for third-party servers; /ui-config waits for this instead.
    this.settled = Promise.all(slots.map(([slot, url]) => this.cache(slot, url, policy))).then(() => undefined);
  }

  /** Same-origin paths of the cached logos, once every start-up fetch has finished (each within 5 s). */
  async paths(): Promise<Partial<Record<LogoSlot, string>>> {
    await this.settled;
    return Object.fromEntries([...this.files].map(([slot, file]) => [slot, `${LOGO_ROUTE_PREFIX}${file}`]));
  }

  private async cache(slot: LogoSlot, url: string, policy: ReturnType<typeof logoAddressPolicy>['policy']): Promise<void> {
    const safeUrl = redactUrl(url);
    try {
      const logo = await fetchLogo(url, { policy });
      const file = `${slot}-${createHash('sha256').update(url).digest('hex').slice(0, 16)}${logo.ext}`;
      await mkdir(this.dir, { recursive: true, mode: 0o755 });
      await writeFileAtomic(join(this.dir, file), logo.bytes, { mode: 0o644, tempPath: join(this.dir, `${file}.${process.pid}.tmp`) });
      this.files.set(slot, file);
      this.logger.info({ slot, url: safeUrl, file, bytes: logo.bytes.length }, 'logo cached');
    } catch (err) {
      const reason = err instanceof LogoFetchError ? err.reason : (err as Error).message;
      this.logger.warn({ slot, url: safeUrl, reason }, 'logo not cached; the built-in logo is shown');
    }
  }

  /** A plain Fastify route: outside /api/v1, public like the web app's static files (docs/compatibility.md#auth-and-security). */
  private registerRoute(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get<{ Params: { file: string } }>(`${LOGO_ROUTE_PREFIX}:file`, async (request, reply) => {
      const file = request.params.file;
      const served = FILE_NAME.test(file) && [...this.files.values()].includes(file);
      if (!served) return reply.code(404).send({ error: 'not_found', message: 'no such logo' });
      let bytes: Buffer;
      try {
        bytes = await readFile(join(this.dir, file));
      } catch {
        return reply.code(404).send({ error: 'not_found', message: 'no such logo' });
      }
      const ext = file.slice(file.lastIndexOf('.'));
      reply.header('content-type', CONTENT_TYPE_OF[ext]).header('cache-control', 'public, max-age=3600');
      if (ext === '.svg') reply.header('content-security-policy', SVG_CSP);
      return reply.send(bytes);
    });
  }
}
