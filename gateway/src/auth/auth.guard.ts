// Default deny, before any body is read. The edge's onRequest hook (`registerAuthHooks`) checks the
// credentials of every /api/v1 route that is not `@Public()` — after the route's rate limit, before
// Fastify reads and parses the body — so a stranger cannot make the gateway parse anything. The same
// hook covers unknown /api/v1 paths (401 before 404). The global guard stays as a second line: a
// request the hook has not authenticated is checked again there.
import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { IS_PUBLIC } from '../common/public.decorator.js';
import { RateLimitExceeded } from '../common/rate-limit.js';
import { ROUTE_PUBLIC, ROUTE_TICKET, routeFlag } from '../common/route-options.js';
import { AuthGate, refusalResponse, type Credential, type CredentialSources, type GateDecision } from './auth-gate.js';
import type { TicketScope } from './ticket-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** How the request authenticated (set by the auth hook or the guard). */
    forgeAuth?: Credential;
  }
}

/**
 * Only reads of a route that declares a ticket kind may carry a `?ticket=`: EventSource and WebSocket
 * cannot send headers, mutations can, and no other route needs one.
 */
function ticketOf(req: FastifyRequest): { ticket?: string; ticketScope?: TicketScope } {
  if (req.method !== 'GET' && req.method !== 'HEAD') return {};
  const ticket = (req.query as Record<string, unknown> | undefined)?.ticket;
  if (typeof ticket !== 'string' || !ticket) return {};
  return { ticket, ticketScope: routeFlag<TicketScope>(req.routeOptions.config, ROUTE_TICKET) };
}

/** Reads never count as session activity (docs/compatibility.md#auth-and-security). */
const isMutating = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

function sourcesOf(req: FastifyRequest): CredentialSources {
  return { headers: req.headers, ...ticketOf(req), mutating: isMutating(req.method), ip: req.ip };
}

function reject(decision: Exclude<GateDecision, { ok: true }>): HttpException {
  // The error filter passes the contract's 429 body through only as a RateLimitExceeded.
  if (decision.status === 429) return new RateLimitExceeded(`${decision.retryAfterSeconds} seconds`);
  const { status, body } = refusalResponse(decision);
  return new HttpException(body, status);
}

/**
 * A refused request's body is never read: the connection is closed after the answer instead, so an
 * unauthenticated sender can neither make us read it nor park the socket half-way through it.
 */
export function closeIfBodyPending(req: FastifyRequest, reply: FastifyReply): void {
  const length = req.headers['content-length'];
  if ((length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined) reply.header('connection', 'close');
}

async function sendRefusal(req: FastifyRequest, reply: FastifyReply, decision: Exclude<GateDecision, { ok: true }>): Promise<FastifyReply> {
  const { status, headers, body } = refusalResponse(decision);
  closeIfBodyPending(req, reply);
  await reply.status(status).headers(headers).header('content-type', 'application/json; charset=utf-8').send(body);
  return reply;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly gate: AuthGate,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // WebSocket message handlers are covered by the upgrade check (UpgradeAuthenticator).
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    // Already authenticated by the onRequest hook (a ticket must not be spent twice).
    if (req.forgeAuth) return true;
    const decision = await this.gate.check(sourcesOf(req));
    if (!decision.ok) {
      const err = reject(decision);
      if (decision.status === 429)
        context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(decision.retryAfterSeconds));
      throw err;
    }
    req.forgeAuth = decision.via;
    return true;
  }
}

const API_PREFIX = '/api/v1';

const underApi = (path: string) => path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);

/**
 * Must run after the rate-limit plugin is registered and before Nest registers its routes: the hook is
 * appended to each route's onRequest list, so the route's rate limit answers first (docs/compatibility.md#http-conventions).
 */
export function registerAuthHooks(fastify: FastifyInstance, gate: AuthGate): void {
  const authenticate = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method === 'OPTIONS' || req.forgeAuth) return;
    const decision = await gate.check(sourcesOf(req));
    if (!decision.ok) return sendRefusal(req, reply, decision);
    req.forgeAuth = decision.via;
  };
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url;
    if (!underApi(url) || routeFlag<boolean>(route.config, ROUTE_PUBLIC)) return;
    const hooks = [route.onRequest ?? []].flat();
    // Fastify copies a GET route's options into its HEAD twin: add the hook once.
    if (!hooks.includes(authenticate as never)) route.onRequest = [...hooks, authenticate as never];
  });
  fastify.addHook('onRequest', async (req, reply) => {
    if (req.method === 'OPTIONS') return;
    // A route under the prefix has its own hook; anything else here (a true 404, or the web app's
    // catch-all file route) is an unknown API path.
    if (req.routeOptions.url?.startsWith(API_PREFIX)) return;
    if (!underApi(req.url.split('?')[0])) return;
    const decision = await gate.check({ headers: req.headers, mutating: isMutating(req.method), ip: req.ip });
    if (!decision.ok) return sendRefusal(req, reply, decision);
  });
}
