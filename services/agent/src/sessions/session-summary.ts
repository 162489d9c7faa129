// The contract's LiveSummary of a loaded session.
import { existsSync } from 'node:fs';
import type { SessionSummary } from '@pi-forge/proto/agent';
import { THINKING_LEVEL } from '@pi-forge/proto';
import type { LiveSession } from './live-session.js';
import { firstUserText } from './session-events.js';

export function liveSummary(live: LiveSession): SessionSummary {
  const s = live.session;
  const file = s.sessionFile;
  const messages = s.messages.filter((m) => (m as { role: string }).role !== 'system');
  return {
    sessionId: live.id,
    projectId: live.projectId,
    workspacePath: live.cwd,
    createdAt: live.createdAt,
    lastActivityAt: live.lastActivityAt,
    isLive: true,
    messageCount: messages.length,
    isStreaming: s.isStreaming,
    name: s.sessionName,
    thinkingLevel: THINKING_LEVEL.toProto(s.thinkingLevel),
    modelProvider: s.model?.provider,
    modelId: s.model?.id,
    firstMessage: firstUserText(messages),
    path: file && existsSync(file) ? file : undefined,
    pendingQuestions: live.pendingQuestions,
    ...(live.parentSessionId ? { parentSessionId: live.parentSessionId, runId: live.runId } : {}),
  };
}
