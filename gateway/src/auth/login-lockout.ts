// Lock-out per identity (docs/compatibility.md#auth-and-security): after LOGIN_ATTEMPT_LIMIT_MAX failed logins the key is locked
// for LOGIN_LOCKOUT_MS, checked before any password is verified; a success clears the count. In memory.
// LoginService decides the key: the identity that is actually checked (the admin, or an LDAP name).
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';

/** Usernames are caller-chosen, so the table is bounded; the oldest entries go first. */
const MAX_TRACKED_NAMES = 10_000;

interface Entry {
  failures: number;
  lockedUntil: number;
}

@Injectable()
export class LoginLockout {
  private readonly entries = new Map<string, Entry>();

  /** The clock; specs replace it. */
  now: () => number = Date.now;

  constructor(@Inject(CONFIG) private readonly config: ForgeConfig) {}

  /** When the name is locked, the time it unlocks. */
  lockedUntil(key: string): Date | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.lockedUntil <= this.now()) return undefined;
    return new Date(entry.lockedUntil);
  }

  recordFailure(key: string): void {
    const entry = this.entries.get(key) ?? { failures: 0, lockedUntil: 0 };
    if (entry.lockedUntil && entry.lockedUntil <= this.now()) Object.assign(entry, { failures: 0, lockedUntil: 0 });
    entry.failures += 1;
    if (entry.failures >= this.config.LOGIN_ATTEMPT_LIMIT_MAX) entry.lockedUntil = this.now() + this.config.LOGIN_LOCKOUT_MS;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > MAX_TRACKED_NAMES) this.entries.delete(this.entries.keys().next().value as string);
  }

  recordSuccess(key: string): void {
    this.entries.delete(key);
  }
}
