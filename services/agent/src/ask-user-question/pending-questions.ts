// The ask_user_question requests waiting on a user, owned by the agent service so a question
// outlives browser tabs and gateway restarts. Each request ends exactly once: answered (or
// declined) through AnswerQuestion, aborted with its run, timed out, or dropped with its session.
// Every ending but a dropped session tells the stream `ask_user_question_cancelled` with the
// reason, so every tab closes its panel.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CONFIG, GrpcStatus, forgeError, type ForgeConfig } from '@pi-forge/runtime';
import type { ForgeEvent } from '../forge-tools/forge-tools.js';
import { checkAnswers, type QuestionnaireResult, type SubmittedAnswer } from './answers.js';
import type { Question } from './questionnaire.js';

export type CancelReason = 'answered' | 'aborted' | 'timeout';

export interface AskOptions {
  /** Appends a forge-native event to the session's stream (ForgeToolContext.emit). */
  emit(event: ForgeEvent): void;
  /** The run's abort signal: aborting rejects the wait. */
  signal?: AbortSignal;
  /** The session's number of pending requests changed (the session list shows it). */
  onCountChange?(count: number): void;
}

interface PendingRequest {
  requestId: string;
  sessionId: string;
  questions: Question[];
  options: AskOptions;
  timer: NodeJS.Timeout;
  resolve(result: QuestionnaireResult): void;
  reject(err: Error): void;
  detach(): void;
}

@Injectable()
export class PendingQuestions {
  /** By requestId, in the order they were asked. */
  private readonly requests = new Map<string, PendingRequest>();
  readonly timeoutMs: number;

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    this.timeoutMs = config.ASK_USER_QUESTION_TIMEOUT_MS;
  }

  /** Registers a request, announces it, and waits for its end; rejects when the run is aborted. */
  ask(sessionId: string, questions: Question[], options: AskOptions): Promise<QuestionnaireResult> {
    if (options.signal?.aborted) return Promise.reject(new Error('ask_user_question was aborted before it was asked'));
    return new Promise<QuestionnaireResult>((resolve, reject) => {
      const requestId = randomUUID();
      const onAbort = () => this.end(requestId, 'aborted', new Error('ask_user_question was aborted with the run'));
      const timer = setTimeout(() => this.end(requestId, 'timeout', { answers: [], cancelled: true, error: 'timeout' }), this.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.requests.set(requestId, {
        requestId,
        sessionId,
        questions,
        options,
        timer,
        resolve,
        reject,
        detach: () => options.signal?.removeEventListener('abort', onAbort),
      });
      options.emit({ type: 'ask_user_question', sessionId, requestId, questions });
      options.onCountChange?.(this.count(sessionId));
    });
  }

  /** The session's pending requests, oldest first. */
  list(sessionId: string): { requestId: string; questions: Question[] }[] {
    return [...this.requests.values()]
      .filter((r) => r.sessionId === sessionId)
      .map((r) => ({ requestId: r.requestId, questions: r.questions }));
  }

  count(sessionId: string): number {
    let n = 0;
    for (const r of this.requests.values()) if (r.sessionId === sessionId) n++;
    return n;
  }

  /**
   * Answers (or declines) a request of this session. NOT_FOUND request_not_found for an unknown
   * id or one of another session; INVALID_ARGUMENT invalid_answer leaves the request pending.
   */
  answer(sessionId: string, requestId: string, cancelled: boolean, answers: readonly SubmittedAnswer[]): void {
    const request = this.requests.get(requestId);
    if (!request || request.sessionId !== sessionId)
      throw forgeError(GrpcStatus.NOT_FOUND, 'request_not_found', 'no pending question with that requestId in this session');
    const check = checkAnswers(request.questions, cancelled, answers);
    if (!check.ok) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_answer', check.message);
    this.end(requestId, 'answered', check.result);
  }

  /** The session is going away: its requests end without an answer (their runs are being aborted). */
  dropSession(sessionId: string): void {
    for (const r of [...this.requests.values()])
      if (r.sessionId === sessionId) this.end(r.requestId, 'aborted', new Error('the session was closed'));
  }

  private end(requestId: string, reason: CancelReason, outcome: QuestionnaireResult | Error): void {
    const request = this.requests.get(requestId);
    if (!request) return;
    this.requests.delete(requestId);
    clearTimeout(request.timer);
    request.detach();
    const { sessionId, options } = request;
    options.emit({ type: 'ask_user_question_cancelled', sessionId, requestId, reason });
    options.onCountChange?.(this.count(sessionId));
    if (outcome instanceof Error) request.reject(outcome);
    else request.resolve(outcome);
  }
}
