// One-time tickets, so that a browser never puts its long-lived token in a URL: `POST /auth/ticket`
// (authenticated) mints one; the terminal WebSocket and SSE accept it once as `?ticket=` within its
// lifetime (AUTH_TICKET_TTL_MS, 30 s by default). In memory: a restart voids every ticket.
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';

/** Enough for any burst of tabs; past it the oldest unspent tickets go first. */
const MAX_OPEN_TICKETS = 10_000;

@Injectable()
export class TicketStore {
  private readonly open = new Map<string, number>();
  private readonly ttlMs: number;

  /** The clock; specs replace it. */
  now: () => number = Date.now;

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    this.ttlMs = config.AUTH_TICKET_TTL_MS;
  }

  issue(): { ticket: string; expiresAt: string } {
    this.prune();
    const ticket = randomBytes(32).toString('base64url');
    const expires = this.now() + this.ttlMs;
    this.open.set(ticket, expires);
    return { ticket, expiresAt: new Date(expires).toISOString() };
  }

  /** True once per ticket, and only before it expires. */
  consume(ticket: string): boolean {
    const expires = this.open.get(ticket);
    if (expires === undefined) return false;
    this.open.delete(ticket);
    return this.now() < expires;
  }

  private prune(): void {
    const now = this.now();
    for (const [ticket, expires] of this.open) if (expires <= now) this.open.delete(ticket);
    while (this.open.size >= MAX_OPEN_TICKETS) this.open.delete(this.open.keys().next().value as string);
  }
}
