// One session loaded in this process: the SDK AgentSession, its event log (ids + replay buffer)
// and the bookkeeping the contract's summaries need.
import type { AgentSession } from '../sdk/pi-sdk.js';
import { EventLog } from '../streaming/event-log.js';

export class LiveSession {
  readonly log = new EventLog();
  lastActivityAt = new Date().toISOString();
  /** messages.length when the current run started (turn diff, "this run"). */
  runStartIndex = 0;
  unsubscribe: () => void = () => {};
  /** Frees the replay buffer once the session has been idle a while (see REPLAY_IDLE_MS). */
  replayTimer: NodeJS.Timeout | undefined;

  /** Set for a sub-agent child session (found nested under its parent's folder). */
  parentSessionId?: string;
  runId?: string;
  /** ask_user_question requests waiting on the user (the session list marks such sessions). */
  pendingQuestions = 0;

  constructor(
    readonly projectId: string,
    readonly session: AgentSession,
    readonly createdAt: string,
  ) {}

  get id(): string {
    return this.session.sessionId;
  }

  get cwd(): string {
    return this.session.sessionManager.getCwd();
  }

  touch(): void {
    this.lastActivityAt = new Date().toISOString();
  }
}
