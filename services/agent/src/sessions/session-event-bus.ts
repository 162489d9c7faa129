// Every event of every live session in this process, for features that react across sessions
// (webhooks, notifications, orchestration) instead of per stream subscriber. SDK events arrive as
// forwarded to streams; forge-native events as tools emit them; plus the lifecycle events
// `session_created` and `session_deleted`, which no stream carries.
import { Injectable } from '@nestjs/common';

export interface SessionRef {
  sessionId: string;
  projectId: string;
  cwd: string;
}

export type SessionEventListener = (session: SessionRef, event: { type: string; [key: string]: unknown }) => void;

@Injectable()
export class SessionEventBus {
  private readonly listeners = new Set<SessionEventListener>();

  /** Starts listening; the returned function stops it. */
  subscribe(listener: SessionEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hands the event to every listener; a throwing listener cannot break the session's stream. */
  publish(session: SessionRef, event: { type: string; [key: string]: unknown }, onError: (err: unknown) => void = () => {}): void {
    for (const listener of this.listeners) {
      try {
        listener(session, event);
      } catch (err) {
        onError(err);
      }
    }
  }
}
