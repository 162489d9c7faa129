// The ask_user_question routes (docs/compatibility.md#ask_user_question): the pending requests of
// a live session, and the answer that lets its run go on. The requests live in the agent service.
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ASK_ANSWER_KIND } from '@pi-forge/proto';
import type { AskQuestion } from '@pi-forge/proto/agent';
import { AgentClient } from '../clients/agent.client.js';
import { AnswerQuestionDto } from './ask-user-question.dto.js';

/** A question as the tool's SSE event carries it (optional fields left out). */
function questionView(q: AskQuestion): Record<string, unknown> {
  return {
    question: q.question,
    header: q.header,
    multiSelect: q.multiSelect,
    options: q.options.map((o) => ({
      label: o.label,
      description: o.description,
      ...(o.preview !== undefined ? { preview: o.preview } : {}),
    })),
  };
}

@Controller('sessions/:id/ask-user-question')
export class AskUserQuestionController {
  constructor(private readonly agent: AgentClient) {}

  @Get('pending')
  async pending(@Param('id') id: string): Promise<{ pending: { requestId: string; questions: Record<string, unknown>[] }[] }> {
    const { pending } = await this.agent.listPendingQuestions({ sessionId: id });
    return { pending: pending.map((p) => ({ requestId: p.requestId, questions: p.questions.map(questionView) })) };
  }

  @Post('answer')
  @HttpCode(204)
  async answer(@Param('id') id: string, @Body() body: AnswerQuestionDto): Promise<void> {
    await this.agent.answerQuestion({
      sessionId: id,
      requestId: body.requestId,
      cancelled: body.cancelled ?? false,
      answers: (body.answers ?? []).map((a) => ({
        questionIndex: a.questionIndex,
        question: a.question,
        kind: ASK_ANSWER_KIND.toProto(a.kind),
        answer: a.answer ?? undefined,
        selected: a.selected ?? [],
        notes: a.notes,
        preview: a.preview,
      })),
    });
  }
}
