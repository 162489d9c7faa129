// The in-memory auth state with a fake clock: ticket expiry and lock-out timing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@pi-forge/runtime';
import { LoginLockout } from './login-lockout.js';
import { TicketStore } from './ticket-store.js';

const config = (env: Record<string, string> = {}) => loadConfig({ env: { HOME: '/nonexistent', ...env } });

describe('TicketStore', () => {
  it('honours a ticket once, and only within AUTH_TICKET_TTL_MS (30 s by default)', () => {
    const store = new TicketStore(config());
    let now = 1_000_000;
    store.now = () => now;
    const a = store.issue();
    const b = store.issue();
    assert.notEqual(a.ticket, b.ticket);
    assert.ok(a.ticket.length >= 40, 'at least 256 bits, base64url');
    assert.equal(Date.parse(a.expiresAt), 1_030_000);
    now += 29_999;
    assert.equal(store.consume(a.ticket, 'terminal'), true);
    assert.equal(store.consume(a.ticket, 'terminal'), false);
    now += 1;
    assert.equal(store.consume(b.ticket, 'terminal'), false, 'expired at exactly the TTL');
    assert.equal(store.consume('never-issued', 'terminal'), false);
  });

  it('honours a ticket only on the kind of route it was issued for, and spends it on any other', () => {
    const store = new TicketStore(config());
    const stream = store.issue('stream');
    assert.equal(store.consume(stream.ticket, 'terminal'), false);
    assert.equal(store.consume(stream.ticket, 'stream'), false, 'spent by the wrong route');
    const terminal = store.issue();
    assert.equal(store.consume(terminal.ticket, 'stream'), false, 'terminal is the default scope');
    assert.equal(store.consume(store.issue('stream').ticket, 'stream'), true);
  });
});

describe('LoginLockout', () => {
  it('locks after LOGIN_ATTEMPT_LIMIT_MAX failures for LOGIN_LOCKOUT_MS, per key', () => {
    const lockout = new LoginLockout(config({ LOGIN_ATTEMPT_LIMIT_MAX: '3', LOGIN_LOCKOUT_MS: '5000' }));
    let now = 0;
    lockout.now = () => now;
    for (let i = 0; i < 2; i++) lockout.recordFailure('alice');
    assert.equal(lockout.lockedUntil('alice'), undefined);
    lockout.recordFailure('alice');
    assert.equal(lockout.lockedUntil('alice')?.getTime(), 5000);
    assert.equal(lockout.lockedUntil('bob'), undefined);
    now = 5000;
    assert.equal(lockout.lockedUntil('alice'), undefined, 'unlocked when the time is up');
    lockout.recordFailure('alice');
    assert.equal(lockout.lockedUntil('alice'), undefined, 'the count starts over after a lock-out');
  });

  it('clears the count on success', () => {
    const lockout = new LoginLockout(config({ LOGIN_ATTEMPT_LIMIT_MAX: '2' }));
    lockout.recordFailure('admin');
    lockout.recordSuccess('admin');
    lockout.recordFailure('admin');
    assert.equal(lockout.lockedUntil('admin'), undefined);
  });
});
