// How agent stream events (docs/compatibility.md#sse-streams) change a session's chat state. Pure, so it is tested
// event by event; the chat store owns the state and feeds events in.
import type { AgentMessage } from '../services/api-types';
import type { StreamEvent } from '../services/session-stream';

export interface ToolRun {
  toolCallId: string;
  toolName: string;
  args: Record<string, unknown>;
  running: boolean;
  partialResult?: unknown;
  result?: unknown;
  isError?: boolean;
}

export interface ChatState {
  messages: AgentMessage[];
  isStreaming: boolean;
  /** Index in `messages` of the message being streamed, if any. */
  streamingIndex: number | null;
  toolRuns: Record<string, ToolRun>;
  queue: { steering: string[]; followUp: string[] };
  /** A plain-language line about a retry, a compaction, or the last run's error. */
  banner: { kind: 'error' | 'info'; text: string } | null;
  name?: string;
  /** Counts finished runs: watchers refresh the last-turn diff and git status on change. */
  runsFinished: number;
}

export function emptyChat(): ChatState {
  return {
    messages: [],
    isStreaming: false,
    streamingIndex: null,
    toolRuns: {},
    queue: { steering: [], followUp: [] },
    banner: null,
    runsFinished: 0,
  };
}

export function applyStreamEvent(state: ChatState, e: StreamEvent): ChatState {
  switch (e.type) {
    case 'snapshot':
      return {
        ...state,
        messages: (e.messages as AgentMessage[]) ?? [],
        isStreaming: !!e.isStreaming,
        streamingIndex: null,
        name: (e.name as string | undefined) ?? state.name,
        toolRuns: e.isStreaming ? state.toolRuns : {},
      };
    case 'agent_start':
      return { ...state, isStreaming: true, banner: null };
    case 'message_start': {
      const messages = [...state.messages, e.message as AgentMessage];
      return { ...state, messages, streamingIndex: messages.length - 1 };
    }
    case 'message_update':
    case 'message_end': {
      const message = e.message as AgentMessage;
      const messages = [...state.messages];
      const i = state.streamingIndex;
      if (i !== null && messages[i] && messages[i].role === message.role) messages[i] = message;
      else messages.push(message);
      const banner =
        e.type === 'message_end' && message.stopReason === 'error' && message.errorMessage
          ? { kind: 'error' as const, text: message.errorMessage }
          : state.banner;
      return { ...state, messages, streamingIndex: e.type === 'message_end' ? null : state.streamingIndex, banner };
    }
    case 'turn_end': {
      // Tool results normally arrive as messages of their own; add any that did not.
      const results = (e.toolResults as AgentMessage[] | undefined) ?? [];
      const known = new Set(state.messages.filter((m) => m.role === 'toolResult').map((m) => m.toolCallId));
      const missing = results.filter((r) => !known.has(r.toolCallId));
      return missing.length ? { ...state, messages: [...state.messages, ...missing] } : state;
    }
    case 'tool_execution_start':
      return {
        ...state,
        toolRuns: {
          ...state.toolRuns,
          [e.toolCallId as string]: {
            toolCallId: e.toolCallId as string,
            toolName: e.toolName as string,
            args: (e.args as Record<string, unknown>) ?? {},
            running: true,
          },
        },
      };
    case 'tool_execution_update': {
      const prev = state.toolRuns[e.toolCallId as string];
      const run: ToolRun = {
        ...(prev ?? {
          toolCallId: e.toolCallId as string,
          toolName: e.toolName as string,
          args: (e.args as Record<string, unknown>) ?? {},
        }),
        running: true,
        partialResult: e.partialResult,
      };
      return { ...state, toolRuns: { ...state.toolRuns, [run.toolCallId]: run } };
    }
    case 'tool_execution_end': {
      const prev = state.toolRuns[e.toolCallId as string];
      const run: ToolRun = {
        ...(prev ?? { toolCallId: e.toolCallId as string, toolName: e.toolName as string, args: {} }),
        running: false,
        result: e.result,
        isError: !!e.isError,
      };
      return { ...state, toolRuns: { ...state.toolRuns, [run.toolCallId]: run } };
    }
    case 'agent_end': {
      const errorMessage = e.errorMessage as string | undefined;
      return {
        ...state,
        isStreaming: false,
        streamingIndex: null,
        runsFinished: state.runsFinished + 1,
        banner: errorMessage ? { kind: 'error', text: errorMessage } : state.banner?.kind === 'info' ? null : state.banner,
      };
    }
    case 'queue_update':
      return { ...state, queue: { steering: (e.steering as string[]) ?? [], followUp: (e.followUp as string[]) ?? [] } };
    case 'auto_retry_start':
      return {
        ...state,
        banner: {
          kind: 'info',
          text: `Retrying (attempt ${e.attempt}/${e.maxAttempts}) in ${Math.round(Number(e.delayMs) / 1000)} s: ${e.errorMessage}`,
        },
      };
    case 'auto_retry_end':
      return {
        ...state,
        banner: e.success ? null : { kind: 'error', text: `Gave up after ${e.attempt} attempts: ${e.finalError ?? 'unknown error'}` },
      };
    case 'compaction_start':
      return { ...state, banner: { kind: 'info', text: 'Compacting the conversation…' } };
    case 'compaction_end':
      return { ...state, banner: e.errorMessage ? { kind: 'error', text: `Compaction failed: ${e.errorMessage}` } : null };
    case 'session_renamed':
      return { ...state, name: e.name as string };
    default:
      return state;
  }
}

/** Plain text of a message or tool result (`content` is a string or text blocks). */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((b) => (b && typeof b === 'object' && 'text' in b ? String((b as { text: unknown }).text) : '')).join('');
  if (content && typeof content === 'object' && 'content' in content) return textOf((content as { content: unknown }).content);
  return '';
}
