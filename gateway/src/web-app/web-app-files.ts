// Serves the built web app (web/dist): hashed assets cached forever, HTML never cached, and
// browser navigations to client-side routes answered with index.html.
import { Inject, Injectable } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';

@Injectable()
export class WebAppFiles {
  readonly root: string | undefined;
  private index: Buffer | undefined;

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    const root = config.CLIENT_DIST_PATH ?? fileURLToPath(new URL('../../../../web/dist', import.meta.url));
    this.root = config.SERVE_CLIENT && existsSync(join(root, 'index.html')) ? root : undefined;
  }

  /** A GET for a page (not /api, no extension in the last segment) that the SPA should answer. */
  isNavigation(req: FastifyRequest): boolean {
    if (!this.root || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const path = req.url.split('?')[0];
    if (path === '/api' || path.startsWith('/api/')) return false;
    const last = path.slice(path.lastIndexOf('/') + 1);
    return !last.includes('.');
  }

  async sendIndex(reply: FastifyReply): Promise<void> {
    this.index ??= readFileSync(join(this.root!, 'index.html'));
    await reply.status(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(this.index);
  }
}
