// One-time tickets, so that a browser never puts its long-lived token in a URL: `POST /auth/ticket`
// (authenticated) mints one for a kind of route, `terminal` (the WebSocket, the default) or `stream`
// (the SSE routes); that kind of route accepts it once as `?ticket=` within its lifetime
// (AUTH_TICKET_TTL_MS, 30 s by default), no other route does. In memory: a restart voids every ticket.
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';

export const TICKET_SCOPES = ['terminal', 'stream'] as const;
export type TicketScope = (typeof TICKET_SCOPES)[number];

interface OpenTicket {
  expires: number;
  scope: TicketScope;
}

/** Enough for any burst of tabs; past it the oldest unspent tickets go first. */
const MAX_OPEN_TICKETS = 10_000;

@Injectable()
export class TicketStore {
  private readonly open = new Map<string, OpenTicket>();
  private readonly ttlMs: number;

  /** The clock; specs replace it. */
  now: () => number = Date.now;

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    this.ttlMs = config.AUTH_TICKET_TTL_MS;
  }

  issue(scope: TicketScope = 'terminal'): { ticket: string; expiresAt: string } {
    this.prune();
    const ticket = randomBytes(32).toString('base64url');
    const expires = this.now() + this.ttlMs;
    this.open.set(ticket, { expires, scope });
    return { ticket, expiresAt: new Date(expires).toISOString() };
  }

  /**
   * True once per ticket, only before it expires and only on its kind of route. Presented anywhere,
   * it is spent: a ticket that turns up on the wrong route has leaked.
   */
  consume(ticket: string, scope: TicketScope): boolean {
    const open = this.open.get(ticket);
    if (open === undefined) return false;
    this.open.delete(ticket);
    return this.now() < open.expires && open.scope === scope;
  }

  private prune(): void {
    const now = this.now();
    for (const [ticket, { expires }] of this.open) if (expires <= now) this.open.delete(ticket);
    while (this.open.size >= MAX_OPEN_TICKETS) this.open.delete(this.open.keys().next().value as string);
  }
}
