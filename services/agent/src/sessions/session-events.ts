// Which SDK events reach stream clients (docs/compatibility.md#sse-streams) and how a provider failure is named.
export const FORWARDED_EVENTS: ReadonlySet<string> = new Set([
  'agent_start',
  'agent_end',
  'turn_start',
  'turn_end',
  'message_start',
  'message_update',
  'message_end',
  'tool_execution_start',
  'tool_execution_update',
  'tool_execution_end',
  'tool_call',
  'tool_result',
  'queue_update',
  'compaction_start',
  'compaction_end',
  'auto_retry_start',
  'auto_retry_end',
]);

interface MessageLike {
  role?: string;
  stopReason?: string;
  errorMessage?: string;
  content?: unknown;
}

/** The errorMessage of the run's last failed assistant message (docs/compatibility.md#sessions), if any. */
export function agentEndError(messages: readonly unknown[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as MessageLike;
    if (m?.role !== 'assistant') continue;
    if (m.stopReason === 'error') return m.errorMessage || 'the provider request failed';
    return undefined;
  }
  return undefined;
}

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((c) => c && typeof c === 'object' && (c as { type?: string }).type === 'text')
    .map((c) => (c as { text: string }).text)
    .join('');
}

export function firstUserText(messages: readonly unknown[]): string {
  const first = messages.find((m) => (m as MessageLike).role === 'user') as MessageLike | undefined;
  return first ? textOf(first.content) : '';
}
