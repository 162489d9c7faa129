// Entry point of the gateway: `node gateway/dist/src/main.js` (or via the launcher).
import 'reflect-metadata';
import { createServer, type RequestListener } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import fastifyStatic from '@fastify/static';
import fastifyMultipart from '@fastify/multipart';
import {
  createLogger,
  ensureDataFolders,
  installShutdownHandlers,
  loadProcessConfig,
  onShutdown,
  PinoNestLogger,
  redactUrl,
} from '@pi-forge/runtime';
import { AppModule } from './app.module.js';
import { WebAppFiles } from './web-app/web-app-files.js';
import { validationPipe } from './common/validation.js';
import { installEdge } from './common/edge.js';
import { fastifyTrustProxy } from './common/client-ip.js';
import { DEFAULT_BODY_LIMIT } from './common/route-options.js';
import { HealthService } from './health/health.service.js';

const t0 = performance.now();
const config = loadProcessConfig('pi-forge-gateway');
const logger = createLogger('gateway', config.LOG_LEVEL);
installShutdownHandlers(logger, config.SHUTDOWN_TIMEOUT_MS);
ensureDataFolders(config, logger);

const adapter = new FastifyAdapter({
  // Routes that need more declare it (@BodyLimit); see common/body-limits.ts.
  bodyLimit: DEFAULT_BODY_LIMIT,
  // A hop count, so req.ip is taken from the right end of X-Forwarded-For (common/client-ip.ts).
  trustProxy: fastifyTrustProxy(config) as never,
  forceCloseConnections: true,
  return503OnClosing: true,
  // Slowloris: a client that trickles its headers (or body) is cut off. Node checks the deadlines every
  // connectionsCheckingInterval, so that follows the headers timeout.
  serverFactory: (handler: RequestListener) =>
    createServer(
      {
        headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeout: Math.max(config.HTTP_REQUEST_TIMEOUT_MS, config.HTTP_HEADERS_TIMEOUT_MS),
        keepAliveTimeout: 72_000, // Fastify's default: longer than common load balancers' idle timeouts
        connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(config.HTTP_HEADERS_TIMEOUT_MS / 4))),
      },
      handler,
    ),
});
const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
  logger: new PinoNestLogger(logger),
  // JSON is parsed by the edge's guarded parser (common/body-limits.ts); like the original's Fastify,
  // no urlencoded parser.
  bodyParser: false,
});
// /metrics stays at the root, where Prometheus scrapes by default.
app.setGlobalPrefix('api/v1', { exclude: ['metrics'] });
app.useGlobalPipes(validationPipe());
app.useWebSocketAdapter(new WsAdapter(app));
// Headers, CORS, rate limits, the unknown-path auth check and /api/docs: before any route is registered.
await installEdge(app, config, logger);

const fastify = app.getHttpAdapter().getInstance();
fastify.addHook('onResponse', (req, reply, done) => {
  logger.info(
    { method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime), ip: req.ip },
    'request',
  );
  done();
});
// Multipart for uploads and prompt attachments; each route sets its own tighter limits per request.
await app.register(fastifyMultipart as never, { limits: { fileSize: 500 * 1024 * 1024, files: 512, fields: 1032, parts: 2048 } });
const webRoot = app.get(WebAppFiles).root;
if (webRoot) {
  await app.register(fastifyStatic as never, {
    root: webRoot,
    prefix: '/',
    index: ['index.html'],
    // @fastify/static 10 passes the Fastify reply here (not the raw response: it has no setHeader).
    setHeaders: (reply: { header(k: string, v: string): void }, path: string) => {
      reply.header('cache-control', /[/\\]assets[/\\]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

// Ready means ready: a script that polls /health until it answers must then see `ok`, so the port
// opens only once every service is SERVING (bounded: a dead service must not keep the UI away).
const services = await app.get(HealthService).waitUntilServing(config.SERVICES_READY_TIMEOUT_MS);
if (!services.ready) {
  logger.warn({ services: services.services, waitedMs: services.waitedMs }, 'services not serving in time; listening degraded');
}
await app.listen(config.PORT, config.HOST);
const address = fastify.server.address();
const port = typeof address === 'object' && address ? address.port : config.PORT;
onShutdown(async () => {
  await app.close();
});
process.send?.({ type: 'listening', host: config.HOST, port });
logger.info({ host: config.HOST, port, startupMs: Math.round(performance.now() - t0), webApp: !!webRoot }, 'gateway listening');
