// Forge state a client must see again after every snapshot (docs/compatibility.md#sse-streams step 4): pending
// ask_user_question requests, then the todo list, then the process list. Each owning feature
// registers a source; the stream writes what the sources give right after the snapshot, in
// registration order, before any live event.
import { Injectable } from '@nestjs/common';
import type { LiveSession } from '../sessions/live-session.js';

/** The events one feature re-delivers for a session (each a full `{type, sessionId, …}` payload). */
export type PendingStateSource = (live: LiveSession) => readonly object[];

@Injectable()
export class PendingState {
  private readonly sources: { name: string; source: PendingStateSource }[] = [];

  /** Registers a feature's source; a second one with the same name replaces the first. */
  register(name: string, source: PendingStateSource): void {
    const at = this.sources.findIndex((s) => s.name === name);
    if (at >= 0) this.sources[at] = { name, source };
    else this.sources.push({ name, source });
  }

  /** The events to write after a snapshot; a failing source is skipped (the snapshot still goes out). */
  eventsFor(live: LiveSession, onError: (name: string, err: unknown) => void = () => {}): object[] {
    const out: object[] = [];
    for (const { name, source } of this.sources) {
      try {
        out.push(...source(live));
      } catch (err) {
        onError(name, err);
      }
    }
    return out;
  }
}
