// The gateway's edge, wired once before Nest registers its routes: security headers, the Host/Origin
// rules of an open gateway, CORS, per-route rate limits, then auth (onRequest, before any body is read),
// per-route body limits and the guarded JSON parser, the OpenAPI docs, and the route table
// (logged at debug level, so tests can read every registered route from the running router).
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { ForgeConfig } from '@pi-forge/runtime';
import { AuthGate } from '../auth/auth-gate.js';
import { closeIfBodyPending, registerAuthHooks } from '../auth/auth.guard.js';
import { registerBodyLimits } from './body-limits.js';
import { OriginPolicy } from './cors.js';
import { HostPolicy } from './host-policy.js';
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
  const hosts = app.get(HostPolicy);
  fastify.addHook('onRequest', async (req, reply) => {
    // Health stays reachable by any name: orchestrators probe it by pod IP, and it changes nothing.
    if ((req.method === 'GET' || req.method === 'HEAD') && req.url.split('?')[0] === '/api/v1/health') return;
    const decision = hosts.check(req.headers);
    if (decision.ok) return;
    logger.warn(
      { host: req.headers.host, origin: req.headers.origin, ip: req.ip, status: decision.status },
      'request refused: auth is off and the Host or Origin is foreign',
    );
    closeIfBodyPending(req, reply);
    await reply
      .status(decision.status)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: decision.error, message: decision.message });
    return reply;
  });
  await app.get(OriginPolicy).register(fastify);
  await registerRateLimits(fastify, config);
  registerAuthHooks(fastify, app.get(AuthGate));
  registerBodyLimits(fastify);
  if (config.EXPOSE_DOCS) setupOpenApi(app, logger);
}
