// The gateway's edge, wired once before Nest registers its routes: security headers, CORS, per-route
// rate limits, the auth check for unknown /api/v1 paths, the OpenAPI docs, and the route table
// (logged at debug level, so tests can read every registered route from the running router).
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { ForgeConfig } from '@pi-forge/runtime';
import { AuthGate } from '../auth/auth-gate.js';
import { registerUnmatchedRouteGate } from '../auth/auth.guard.js';
import { OriginPolicy } from './cors.js';
import { setupOpenApi } from './openapi.js';
import { registerRateLimits } from './rate-limit.js';
import { securityHeaders } from './security-headers.js';

export async function installEdge(app: NestFastifyApplication, config: ForgeConfig, logger: Logger): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const routes: { method: string; url: string }[] = [];
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url ?? route.path });
  });
  fastify.addHook('onReady', (done) => {
    logger.debug({ routes }, 'route table');
    done();
  });
  app.useSecurityHeaders(securityHeaders(config));
  await app.get(OriginPolicy).register(fastify);
  await registerRateLimits(fastify, config);
  registerUnmatchedRouteGate(fastify, app.get(AuthGate));
  if (config.EXPOSE_DOCS) setupOpenApi(app, logger);
}
