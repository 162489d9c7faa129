// Which session-bus events become webhook events, and their `data` (§11.2). Pure functions over
// the bus payloads; the few facts an event lacks (maxAttempts of a retry, a process's previous
// status) come from `WebhookEventMemory`, which the dispatcher keeps per session.
import { textOf } from '../sessions/session-events.js';
import type { WebhookEvent } from './webhook-types.js';

export type BusEvent = { type: string; [key: string]: unknown };
export interface MappedEvent {
  event: WebhookEvent;
  data: Record<string, unknown>;
}

/** What earlier events of one session said that a later one needs. */
export interface WebhookEventMemory {
  /** maxAttempts of the latest auto_retry_start. */
  retryMaxAttempts?: number;
  /** Process ids already reported as ended (a process_update repeats finished processes). */
  endedProcesses: Set<string>;
  /** requestIds of questions already sent (re-deliveries carry the same id). */
  questions: Set<string>;
}

export const newMemory = (): WebhookEventMemory => ({ endedProcesses: new Set(), questions: new Set() });

interface AssistantLike {
  role?: string;
  stopReason?: string;
  errorMessage?: string;
  content?: unknown;
  usage?: unknown;
  provider?: string;
  model?: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

function agentEndData(event: BusEvent): Record<string, unknown> {
  const messages = Array.isArray(event.messages) ? (event.messages as AssistantLike[]) : [];
  const last = [...messages].reverse().find((m) => m?.role === 'assistant');
  return {
    stopReason: str(last?.stopReason),
    errorMessage: str(last?.errorMessage) ?? str(event.errorMessage),
    assistantText: last ? textOf(last.content) : null,
    usage: last?.usage ?? null,
    provider: str(last?.provider),
    model: str(last?.model),
  };
}

function questionData(event: BusEvent): Record<string, unknown> {
  const questions = Array.isArray(event.questions) ? event.questions : [];
  return {
    requestId: str(event.requestId),
    questions: questions.map((raw) => {
      const q = obj(raw);
      return {
        header: str(q.header),
        question: str(q.question),
        multiSelect: q.multiSelect === true,
        options: (Array.isArray(q.options) ? q.options : []).map((o) => ({
          label: str(obj(o).label),
          description: str(obj(o).description),
        })),
      };
    }),
  };
}

type AlertReason = 'success' | 'failure' | 'killed';

/** The alert a finished process raises, mirroring the process tool's alert flags (§11.1 process). */
function alertReason(p: Record<string, unknown>): AlertReason | undefined {
  if (p.status === 'killed') return p.alertOnKill === true ? 'killed' : undefined;
  if (p.status !== 'exited') return undefined;
  if (p.success === true) return p.alertOnSuccess === true ? 'success' : undefined;
  return p.alertOnFailure !== false ? 'failure' : undefined;
}

/** A process_alert per process of a `process_update` that has just finished with an alert flag set. */
function processAlerts(event: BusEvent, memory: WebhookEventMemory): MappedEvent[] {
  const out: MappedEvent[] = [];
  for (const raw of Array.isArray(event.processes) ? event.processes : []) {
    const p = obj(raw);
    const id = str(p.id);
    if (!id || (p.status !== 'exited' && p.status !== 'killed') || memory.endedProcesses.has(id)) continue;
    memory.endedProcesses.add(id);
    const reason = alertReason(p);
    if (!reason) continue;
    out.push({
      event: 'process_alert',
      data: {
        reason,
        processId: id,
        name: str(p.name),
        pid: num(p.pid),
        command: str(p.command),
        cwd: str(p.cwd),
        startTime: num(p.startTime),
        endTime: num(p.endTime),
        exitCode: num(p.exitCode),
        success: typeof p.success === 'boolean' ? p.success : null,
      },
    });
  }
  return out;
}

/** The webhook events one bus event raises (usually none or one). */
export function webhookEventsOf(event: BusEvent, memory: WebhookEventMemory): MappedEvent[] {
  switch (event.type) {
    case 'session_created':
      return [{ event: 'session_created', data: { workspacePath: str(event.workspacePath) } }];
    case 'session_deleted':
      return [{ event: 'session_deleted', data: { wasLive: event.wasLive === true } }];
    case 'agent_end':
      return [{ event: 'agent_end', data: agentEndData(event) }];
    case 'auto_retry_start':
      memory.retryMaxAttempts = num(event.maxAttempts) ?? undefined;
      return [];
    case 'auto_retry_end':
      if (event.success !== false) return [];
      return [
        {
          event: 'auto_retry_end',
          data: { attempt: num(event.attempt), maxAttempts: memory.retryMaxAttempts ?? null, finalError: str(event.finalError) },
        },
      ];
    case 'compaction_end':
      if (event.aborted === true) return [];
      return [{ event: 'compaction_end', data: { reason: str(event.reason), tokensBefore: num(obj(event.result).tokensBefore) } }];
    case 'ask_user_question': {
      const id = str(event.requestId);
      if (id && memory.questions.has(id)) return [];
      if (id) memory.questions.add(id);
      return [{ event: 'ask_user_question', data: questionData(event) }];
    }
    case 'process_update':
      return processAlerts(event, memory);
    default:
      return [];
  }
}
