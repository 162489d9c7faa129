// gRPC handlers of the ask_user_question RPCs: the session must be live, then PendingQuestions decides.
import { Controller } from '@nestjs/common';
import { ASK_ANSWER_KIND, AgentRpc, type Handles } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { SessionRegistry } from '../sessions/session-registry.js';
import { PendingQuestions } from './pending-questions.js';

@Controller()
export class AskUserQuestionGrpcHandler implements Handles<agent.AgentServiceController, AskUserQuestionGrpcHandler> {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly pending: PendingQuestions,
  ) {}

  @AgentRpc.method
  listPendingQuestions(req: agent.ListPendingQuestionsRequest): agent.ListPendingQuestionsResponse {
    const live = this.registry.live(req.sessionId);
    return { pending: this.pending.list(live.id) };
  }

  @AgentRpc.method
  answerQuestion(req: agent.AnswerQuestionRequest): agent.AnswerQuestionResponse {
    const live = this.registry.live(req.sessionId);
    const answers = (req.answers ?? []).map((a) => ({ ...a, kind: ASK_ANSWER_KIND.toWord(a.kind) }));
    this.pending.answer(live.id, req.requestId, req.cancelled, answers);
    return {};
  }
}
