// Body limits (docs/compatibility.md#auth-and-security, issue 12.1): 1 MiB for every route unless it declares more with
// @BodyLimit (file writes and prompts keep the contract's 100 MB), and a JSON parser that refuses
// deep nesting and huge value counts before building any object: a 99 MB `[{},{},…]` is 33 million
// objects and gigabytes of heap, while a 99 MB file body is one string. Both answer
// 413 `{error: "payload_too_large", message}`. Auth runs before any of this (auth.guard.ts).
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { DEFAULT_BODY_LIMIT, ROUTE_BODY_LIMIT, routeFlag } from './route-options.js';

export const MAX_JSON_DEPTH = 64;
export const MAX_JSON_VALUES = 200_000;

/** The contract's "any request body" cap, kept for the routes that carry whole files or prompts. */
export const LARGE_BODY_LIMIT = 100 * 1024 * 1024;

export class PayloadTooLarge extends Error {
  readonly statusCode = 413;
  readonly code = 'payload_too_large';
}

/**
 * Why this JSON text is refused, or undefined. A single linear pass that only counts: container
 * nesting depth and values (each `,` plus each container), skipping string contents.
 */
export function jsonShapeProblem(text: string, maxDepth = MAX_JSON_DEPTH, maxValues = MAX_JSON_VALUES): string | undefined {
  let depth = 0;
  let values = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, honouring backslash escapes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return `the JSON body nests deeper than ${maxDepth} levels`;
      if (++values > maxValues) return `the JSON body has more than ${maxValues} values`;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c) {
      if (++values > maxValues) return `the JSON body has more than ${maxValues} values`;
    }
  }
  return undefined;
}

/** Before routes are registered: the per-route limits and the guarded JSON parser. */
export function registerBodyLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    route.bodyLimit = routeFlag<number>(route.config, ROUTE_BODY_LIMIT) ?? route.bodyLimit ?? DEFAULT_BODY_LIMIT;
  });
  // Fastify's default JSON parser is callback-style (its type also admits a promise-returning parser).
  const parse = fastify.getDefaultJsonParser('error', 'ignore') as (
    req: FastifyRequest,
    body: string,
    done: (err: Error | null, body?: unknown) => void,
  ) => void;
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      const problem = jsonShapeProblem(text);
      if (problem) return done(new PayloadTooLarge(problem));
      parse(req, text, done);
    },
  );
}
