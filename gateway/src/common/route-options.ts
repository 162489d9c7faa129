// Per-route options that the edge hooks read from Fastify's route config, before Nest (and its guards
// and pipes) ever sees the request: whether the route is public, its body limit, which ticket kind its
// `?ticket=` may carry, its rate-limit class. Several decorators can sit on one handler, so each one
// merges into the route config instead of replacing it (Nest's own @RouteConfig replaces).
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import type { TicketScope } from '../auth/ticket-store.js';

export const ROUTE_PUBLIC = 'forgePublic';
export const ROUTE_BODY_LIMIT = 'forgeBodyLimit';
export const ROUTE_TICKET = 'forgeTicket';

/** Body limit of every route that declares none: ordinary JSON (docs/compatibility.md#auth-and-security has no bigger need). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function MergeRouteConfig(extra: Record<string, unknown>): MethodDecorator {
  return (_target, _key, descriptor: PropertyDescriptor) => {
    const previous = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, descriptor.value as object) ?? {}) as Record<string, unknown>;
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...previous, ...extra }, descriptor.value as object);
    return descriptor;
  };
}

/** A body limit above the 1 MiB default, for the routes whose documented cap is larger (docs/compatibility.md#auth-and-security). */
export const BodyLimit = (bytes: number) => MergeRouteConfig({ [ROUTE_BODY_LIMIT]: bytes });

/** The route takes a `?ticket=` minted for this kind of route (an SSE stream). No other route takes one. */
export const TicketRoute = (scope: TicketScope) => MergeRouteConfig({ [ROUTE_TICKET]: scope });

export function routeFlag<T>(config: unknown, key: string): T | undefined {
  return (config as Record<string, unknown> | undefined)?.[key] as T | undefined;
}
