// The local password: `${FORGE_DATA_DIR}/password-hash` once the user has changed it, else UI_PASSWORD.
// New hashes are argon2id at OWASP's minimum (m=19 MiB, t=2, p=1). A scrypt hash written by the original
// pi-forge still verifies, and is replaced by an argon2id hash at the next successful login.
import { Inject, Injectable } from '@nestjs/common';
import { createHash, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import argon2 from 'argon2';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, writeFileAtomic, type ForgeConfig } from '@pi-forge/runtime';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export type PasswordCheck = { ok: true; source: 'env' | 'hash' } | { ok: false; reason: 'mismatch' | 'not_configured' };

/** Equal-length digests make the comparison constant-time whatever the lengths of the inputs. */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** argon2i/argon2d, or argon2id below our cost: worth replacing. A stronger hash is kept as it is. */
function weakerThanOurs(phc: string): boolean {
  const params = /^\$argon2id\$v=\d+\$([^$]+)\$/.exec(phc)?.[1];
  if (!params) return true;
  const p = Object.fromEntries(params.split(',').map((kv) => kv.split('=')));
  return Number(p.m) < ARGON2_OPTIONS.memoryCost || Number(p.t) < ARGON2_OPTIONS.timeCost;
}

function verifyScrypt(stored: string, password: string): Promise<boolean> {
  // scrypt$<N>$<r>$<p>$<saltBase64>$<hashBase64> (docs/compatibility.md#auth-and-security)
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return Promise.resolve(false);
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || expected.length === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    scrypt(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => {
      resolve(!err && timingSafeEqual(key, expected));
    });
  });
}

@Injectable()
export class PasswordStore {
  readonly hashPath: string;
  private hashPresent: boolean;
  private version: string;

  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.hashPath = join(config.FORGE_DATA_DIR, 'password-hash');
    const stored = this.readHash();
    this.hashPresent = stored !== undefined;
    this.version = this.versionOf(stored);
  }

  /**
   * What the token version is derived from: the stored hash, else the env password. Session tokens
   * carry a keyed digest of it (TokenService), so a password change ends every earlier session, and the
   * version is stored with the hash itself. Secret: never log or send it.
   */
  get versionSource(): string {
    return this.version;
  }

  /** A password exists (env or stored hash): login is possible. */
  get configured(): boolean {
    return this.hashPresent || !!this.config.UI_PASSWORD;
  }

  get hasHash(): boolean {
    return this.hashPresent;
  }

  async verify(password: string): Promise<PasswordCheck> {
    const stored = this.readHash();
    if (stored !== undefined) {
      if (stored.startsWith('$argon2')) {
        const ok = await argon2.verify(stored, password).catch(() => false);
        if (ok && weakerThanOurs(stored)) await this.store(password);
        return ok ? { ok: true, source: 'hash' } : { ok: false, reason: 'mismatch' };
      }
      if (stored.startsWith('scrypt$')) {
        const ok = await verifyScrypt(stored, password);
        if (ok) {
          await this.store(password);
          this.logger.info({ file: this.hashPath }, 'upgraded the stored password hash from scrypt to argon2id');
        }
        return ok ? { ok: true, source: 'hash' } : { ok: false, reason: 'mismatch' };
      }
      this.logger.warn({ file: this.hashPath }, 'password-hash is not in a known format; no password matches it');
      return { ok: false, reason: 'mismatch' };
    }
    if (!this.config.UI_PASSWORD) return { ok: false, reason: 'not_configured' };
    return secretsEqual(password, this.config.UI_PASSWORD) ? { ok: true, source: 'env' } : { ok: false, reason: 'mismatch' };
  }

  /** Writes a new argon2id hash (0600, atomic); from then on UI_PASSWORD no longer logs in. */
  async store(password: string): Promise<void> {
    const hash = await argon2.hash(password, ARGON2_OPTIONS);
    await writeFileAtomic(this.hashPath, `${hash}\n`, { mode: 0o600 });
    this.hashPresent = true;
    this.version = this.versionOf(hash);
  }

  private versionOf(storedHash: string | undefined): string {
    return storedHash !== undefined ? `hash:${storedHash}` : `env:${this.config.UI_PASSWORD ?? ''}`;
  }

  private readHash(): string | undefined {
    if (!existsSync(this.hashPath)) return undefined;
    const text = readFileSync(this.hashPath, 'utf8').trim();
    return text || undefined;
  }
}
