// The sessions loaded in this process, by id, and the short tombstone a deleted id keeps so a
// reconnect right after a delete gets 410 instead of resuming the archived file (docs/compatibility.md#sse-streams).
import { Injectable } from '@nestjs/common';
import { GrpcStatus, forgeError } from '@pi-forge/runtime';
import type { LiveSession } from './live-session.js';
import { sessionNotFound } from './session-files.js';

export const TOMBSTONE_MS = 1_500;

@Injectable()
export class LiveSessions {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly tombstones = new Map<string, number>();

  private readonly now = Date.now;

  get size(): number {
    return this.sessions.size;
  }

  all(): LiveSession[] {
    return [...this.sessions.values()];
  }

  inProject(projectId: string): LiveSession[] {
    return this.all().filter((l) => l.projectId === projectId);
  }

  find(id: string): LiveSession | undefined {
    return this.sessions.get(id);
  }

  /** The live session, else NOT_FOUND (routes that work on live sessions only). */
  get(id: string): LiveSession {
    const live = this.sessions.get(id);
    if (!live) throw sessionNotFound();
    return live;
  }

  add(live: LiveSession): void {
    this.sessions.set(live.id, live);
  }

  /** Forgets a session and tombstones its id. */
  remove(id: string): void {
    const now = this.now();
    for (const [other, until] of this.tombstones) if (until <= now) this.tombstones.delete(other);
    this.tombstones.set(id, now + TOMBSTONE_MS);
    this.sessions.delete(id);
  }

  /** Forgets a session without a tombstone (idle eviction: the next call resumes it from disk). */
  unload(id: string): void {
    this.sessions.delete(id);
  }

  /** Throws 410 session_tombstoned while the id is freshly deleted. */
  assertNotTombstoned(id: string): void {
    const until = this.tombstones.get(id);
    if (until && until > this.now()) throw forgeError(GrpcStatus.NOT_FOUND, 'session_tombstoned', 'the session was just deleted');
  }
}
