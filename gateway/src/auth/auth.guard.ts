// Default deny: the one global guard in front of every route; only `@Public()` opts out. Nest runs no
// guard for a path that matches no route, so `registerUnmatchedRouteGate` applies the same check to
// unknown /api/v1 paths: with auth on, a stranger learns nothing from 404s (401 before 404).
import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { IS_PUBLIC } from '../common/public.decorator.js';
import { AuthGate, type Credential, type GateDecision } from './auth-gate.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** How the request authenticated (set by the auth guard). */
    forgeAuth?: Credential;
  }
}

/** Only reads may carry a `?ticket=`: EventSource and WebSocket cannot send headers, mutations can. */
function ticketOf(req: FastifyRequest): string | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const ticket = (req.query as Record<string, unknown> | undefined)?.ticket;
  return typeof ticket === 'string' && ticket ? ticket : undefined;
}

/** Reads never count as session activity (docs/compatibility.md#auth-and-security). */
const isMutating = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

function reject(decision: Exclude<GateDecision, { ok: true }>): HttpException {
  return new HttpException({ error: decision.error, message: decision.message }, decision.status);
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly gate: AuthGate) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // WebSocket message handlers are covered by the upgrade check (UpgradeAuthenticator).
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const decision = await this.gate.check({ headers: req.headers, ticket: ticketOf(req), mutating: isMutating(req.method) });
    if (!decision.ok) throw reject(decision);
    req.forgeAuth = decision.via;
    return true;
  }
}

const API_PREFIX = '/api/v1';

export function registerUnmatchedRouteGate(fastify: FastifyInstance, gate: AuthGate): void {
  fastify.addHook('onRequest', async (req, reply) => {
    if (req.method === 'OPTIONS') return;
    // A Nest route under the prefix has its own guard; anything else here (a true 404, or the web app's
    // catch-all file route) is an unknown API path.
    if (req.routeOptions.url?.startsWith(API_PREFIX)) return;
    const path = req.url.split('?')[0];
    if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) return;
    const decision = await gate.check({ headers: req.headers, ticket: ticketOf(req), mutating: isMutating(req.method) });
    if (!decision.ok) {
      await reply.status(decision.status).header('content-type', 'application/json; charset=utf-8').send({ error: decision.error, message: decision.message });
      return reply;
    }
  });
}
