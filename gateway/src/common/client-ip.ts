// The client IP for rate limits, throttles and logs (docs/compatibility.md#auth-and-security). Without TRUST_PROXY it is the
// socket address. With it, X-Forwarded-For counts, but only from its right end: each trusted proxy
// appends the address it received from, so the entry TRUST_PROXY_HOPS places left of the socket is the
// last one a trusted hop wrote. Anything further left was sent by the client and can be made up.
import type { IncomingMessage } from 'node:http';
import type { ForgeConfig } from '@pi-forge/runtime';

export function clientIpFrom(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: boolean,
  hops: number,
): string {
  const socket = socketAddress ?? 'unknown';
  if (!trustProxy || forwardedFor === undefined) return socket;
  const listed = [forwardedFor]
    .flat()
    .join(',')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // The chain from client to us: every listed address, then the peer we see (the nearest proxy).
  const chain = [...listed, socket];
  return chain[Math.max(0, chain.length - 1 - hops)];
}

/** The same rule as Fastify's `req.ip` (which main.ts configures with the hop count), for raw requests. */
export function clientIpOf(req: IncomingMessage, config: Pick<ForgeConfig, 'TRUST_PROXY' | 'TRUST_PROXY_HOPS'>): string {
  return clientIpFrom(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.TRUST_PROXY, config.TRUST_PROXY_HOPS);
}

/**
 * Fastify's `trustProxy` option for the same rule: trust the socket peer and the hops after it, never
 * `true` (which takes the leftmost). A function, because Fastify 5.12 ignores a bare hop count.
 */
export function fastifyTrustProxy(
  config: Pick<ForgeConfig, 'TRUST_PROXY' | 'TRUST_PROXY_HOPS'>,
): ((address: string, hop: number) => boolean) | false {
  const hops = config.TRUST_PROXY_HOPS;
  return config.TRUST_PROXY ? (_address: string, hop: number) => hop < hops : false;
}
