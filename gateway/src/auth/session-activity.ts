// LOGIN_INACTIVITY_TIMEOUT_SECONDS (docs/compatibility.md#auth-and-security): a session token idle longer than the timeout
// stops working. Only mutating requests (and terminal upgrades) count as activity; reads do not, so a
// tab left polling still times out. In memory: after a restart a token's idle clock starts at its `iat`.
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';

/** Bounded: the oldest entries go first, and those fall back to `iat`, which only shortens a session. */
const MAX_TRACKED_TOKENS = 10_000;

@Injectable()
export class SessionActivity {
  /** The clock; specs replace it. */
  now: () => number = Date.now;
  private readonly timeoutMs: number;
  private readonly lastSeen = new Map<string, number>();

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    this.timeoutMs = config.LOGIN_INACTIVITY_TIMEOUT_SECONDS * 1000;
  }

  started(token: string): void {
    if (this.timeoutMs > 0) this.remember(token, this.now());
  }

  /** False once the token has been idle too long; `refresh` records activity. */
  check(token: string, issuedAtSeconds: number, refresh: boolean): boolean {
    if (this.timeoutMs <= 0) return true;
    const key = signatureOf(token);
    const last = this.lastSeen.get(key) ?? issuedAtSeconds * 1000;
    if (this.now() - last > this.timeoutMs) {
      this.lastSeen.delete(key);
      return false;
    }
    if (refresh) this.remember(token, this.now());
    return true;
  }

  private remember(token: string, at: number): void {
    const key = signatureOf(token);
    this.lastSeen.delete(key);
    this.lastSeen.set(key, at);
    while (this.lastSeen.size > MAX_TRACKED_TOKENS) this.lastSeen.delete(this.lastSeen.keys().next().value as string);
  }
}

/** The signature identifies a token as well as the whole string, in a third of the memory. */
function signatureOf(token: string): string {
  return token.slice(token.lastIndexOf('.') + 1);
}
