// The ask_user_question tool family: the tool itself (validate, ask, wait, summarize), the
// re-delivery of pending requests after every snapshot, and dropping them with their session.
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ToolDefinition } from '../sdk/pi-sdk.js';
import { ForgeTools, type ForgeToolContext, type ForgeToolProvider } from '../forge-tools/forge-tools.js';
import { PendingState } from '../streaming/pending-state.js';
import { summarize, type QuestionnaireResult } from './answers.js';
import { PendingQuestions } from './pending-questions.js';
import { QUESTIONNAIRE_DESCRIPTION, QUESTIONNAIRE_SCHEMA, validateQuestionnaire } from './questionnaire.js';

export const ASK_USER_QUESTION_TOOL = 'ask_user_question';

interface ToolResult {
  content: { type: 'text'; text: string }[];
  details: QuestionnaireResult;
}

@Injectable()
export class AskUserQuestionTools implements ForgeToolProvider, OnModuleInit {
  readonly name = ASK_USER_QUESTION_TOOL;

  constructor(
    private readonly forgeTools: ForgeTools,
    private readonly pendingState: PendingState,
    private readonly pending: PendingQuestions,
  ) {}

  onModuleInit(): void {
    this.forgeTools.register(this);
    this.pendingState.register(ASK_USER_QUESTION_TOOL, (live) =>
      this.pending
        .list(live.id)
        .map((p) => ({ type: 'ask_user_question', sessionId: live.id, requestId: p.requestId, questions: p.questions })),
    );
  }

  toolsFor(ctx: ForgeToolContext): ToolDefinition[] {
    const tool = {
      name: ASK_USER_QUESTION_TOOL,
      label: 'Ask the user',
      description: QUESTIONNAIRE_DESCRIPTION,
      promptSnippet: 'ask the user multiple-choice questions and wait for the answers',
      parameters: QUESTIONNAIRE_SCHEMA,
      execute: (_toolCallId: string, params: unknown, signal: AbortSignal | undefined) => this.execute(ctx, params, signal),
    };
    return [tool as unknown as ToolDefinition];
  }

  /** A session waiting on the user stays loaded (its run is waiting, too). */
  holdsSession(sessionId: string): boolean {
    return this.pending.count(sessionId) > 0;
  }

  disposeSession(sessionId: string): void {
    this.pending.dropSession(sessionId);
  }

  /** A bad call is a tool-level error the model reads (not thrown); an aborted run rejects. */
  async execute(ctx: ForgeToolContext, params: unknown, signal: AbortSignal | undefined): Promise<ToolResult> {
    const check = validateQuestionnaire(params);
    if (!check.ok) {
      return {
        content: [{ type: 'text', text: `ask_user_question rejected (${check.error}): ${check.message}. Fix the call and try again.` }],
        details: { answers: [], cancelled: true, error: check.error },
      };
    }
    const result = await this.pending.ask(ctx.sessionId, check.questions, {
      emit: (e) => ctx.emit(e),
      signal,
      onCountChange: (n) => {
        const live = ctx.live();
        if (live) live.pendingQuestions = n;
      },
    });
    return { content: [{ type: 'text', text: summarize(result, this.pending.timeoutMs) }], details: result };
  }
}
