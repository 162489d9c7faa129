// Per-route, per-client-IP rate limits (docs/compatibility.md#http-conventions) on @fastify/rate-limit. A handler opts in with
// `@RateLimit('prompt')`; the window and maximum come from the RATE_LIMIT_<CLASS>_* settings, and each
// route counts on its own. The client IP is Fastify's `req.ip`, so X-Forwarded-For counts only with TRUST_PROXY.
import { HttpException } from '@nestjs/common';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { ForgeConfig } from '@pi-forge/runtime';
import { MergeRouteConfig } from './route-options.js';

export type RateLimitClass = 'login' | 'prompt' | 'upload' | 'search' | 'push';

/** Key in the Fastify route config that carries the class until the rate-limit plugin sees the route. */
const ROUTE_CONFIG_KEY = 'forgeRateLimit';

/** Limits the decorated route per client IP with the RATE_LIMIT_<CLASS>_MAX / _WINDOW_MS settings. */
export const RateLimit = (kind: RateLimitClass) => MergeRouteConfig({ [ROUTE_CONFIG_KEY]: kind });

export function rateLimitSettings(config: ForgeConfig, kind: RateLimitClass): { max: number; timeWindow: number } {
  switch (kind) {
    case 'login':
      return { max: config.RATE_LIMIT_LOGIN_MAX, timeWindow: config.RATE_LIMIT_LOGIN_WINDOW_MS };
    case 'prompt':
      return { max: config.RATE_LIMIT_PROMPT_MAX, timeWindow: config.RATE_LIMIT_PROMPT_WINDOW_MS };
    case 'upload':
      return { max: config.RATE_LIMIT_UPLOAD_MAX, timeWindow: config.RATE_LIMIT_UPLOAD_WINDOW_MS };
    case 'search':
      return { max: config.RATE_LIMIT_SEARCH_MAX, timeWindow: config.RATE_LIMIT_SEARCH_WINDOW_MS };
    case 'push':
      return { max: config.RATE_LIMIT_PUSH_MAX, timeWindow: config.RATE_LIMIT_PUSH_WINDOW_MS };
  }
}

/**
 * The 429 itself. Its body is the contract's (`{statusCode, error: "Too Many Requests", message}`), not our
 * usual `{error: code}` envelope, and the error filter passes it through unchanged. It must be an
 * HttpException: a plain Error thrown from a Fastify hook reaches Nest as a 500 (stack.md §2).
 */
export class RateLimitExceeded extends HttpException {
  constructor(after: string) {
    super({ statusCode: 429, error: 'Too Many Requests', message: `Rate limit exceeded, retry in ${after}` }, 429);
  }
}

/**
 * Registers the plugin (no global limit) and, ahead of it, an onRoute hook that turns the class set by
 * `@RateLimit()` into the plugin's `{max, timeWindow}`. Must run before Nest registers its routes (before listen).
 */
export async function registerRateLimits(fastify: FastifyInstance, config: ForgeConfig): Promise<void> {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const kind = (route.config as Record<string, unknown> | undefined)?.[ROUTE_CONFIG_KEY] as RateLimitClass | undefined;
    if (kind) route.config = { ...route.config, rateLimit: rateLimitSettings(config, kind) } as never;
  });
  await fastify.register(fastifyRateLimit as never, {
    global: false,
    errorResponseBuilder: (_req: unknown, ctx: { after: string }) => new RateLimitExceeded(ctx.after),
  });
}
