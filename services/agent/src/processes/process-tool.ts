// The `process` tool family (docs/compatibility.md#processes): the tool the model calls, the SSE
// events and alert cards each session gets, the process list re-sent after every snapshot, and the
// cleanup when the session goes. The processes themselves are ProcessManager's.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, parseForgeError } from '@pi-forge/runtime';
import { ForgeTools, type ForgeToolContext, type ForgeToolProvider } from '../forge-tools/forge-tools.js';
import type { ToolDefinition } from '../sdk/pi-sdk.js';
import { PendingState } from '../streaming/pending-state.js';
import { logWatchProblem, type LogWatchSpec, type WatchMatch } from './log-watches.js';
import { PollThrottle } from './poll-throttle.js';
import type { EndReason, ProcessInfo } from './process-info.js';
import { ProcessManager } from './process-manager.js';
import {
  endedText,
  listText,
  outputText,
  PROCESS_TOOL_DESCRIPTION,
  PROCESS_TOOL_PARAMETERS,
  statusText,
  watchText,
} from './process-tool-text.js';

export const PROCESS_TOOL = 'process';

export interface ProcessToolParams {
  action: 'start' | 'list' | 'output' | 'logs' | 'kill' | 'clear' | 'write';
  command?: string;
  name?: string;
  id?: string;
  input?: string;
  end?: boolean;
  alertOnSuccess?: boolean;
  alertOnFailure?: boolean;
  alertOnKill?: boolean;
  logWatches?: LogWatchSpec[];
}

export interface ProcessToolDetails {
  action: string;
  success: boolean;
  message: string;
  process?: ProcessInfo;
  processes?: ProcessInfo[];
  output?: { stdout: string[]; stderr: string[]; status: string };
  logFiles?: { stdoutFile: string; stderrFile: string };
  cleared?: number;
}

interface ToolResult {
  content: { type: 'text'; text: string }[];
  details: ProcessToolDetails;
}

const result = (details: ProcessToolDetails, text = details.message): ToolResult => ({ content: [{ type: 'text', text }], details });
const failure = (action: string, message: string): ToolResult => result({ action, success: false, message });

/** The human message of a forge error (its JSON body) or of any other error. */
function readableError(err: unknown): string {
  const raw = (err as { getError?: () => unknown }).getError?.();
  const details = typeof raw === 'object' && raw !== null ? (raw as { message?: string }).message : undefined;
  return parseForgeError(details)?.message ?? (err instanceof Error ? err.message : String(err));
}

@Injectable()
export class ProcessTool implements ForgeToolProvider, OnModuleInit {
  readonly name = PROCESS_TOOL;
  private readonly throttles = new Map<string, PollThrottle>();

  constructor(
    private readonly manager: ProcessManager,
    private readonly forgeTools: ForgeTools,
    private readonly pending: PendingState,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.forgeTools.register(this);
    // Every snapshot is followed by the current list, even an empty one (docs/compatibility.md#sse-streams).
    this.pending.register('process', (live) => [{ type: 'process_update', sessionId: live.id, processes: this.manager.list(live.id) }]);
  }

  toolsFor(ctx: ForgeToolContext): ToolDefinition[] {
    this.manager.listen(ctx.sessionId, {
      update: (processes) => ctx.emit({ type: 'process_update', sessionId: ctx.sessionId, processes }),
      output: (id) => ctx.emit({ type: 'process_output', sessionId: ctx.sessionId, id }),
      watch: (p, match) => this.onWatch(ctx, p, match),
      ended: (p, reason) => this.onEnded(ctx, p, reason),
    });
    const tool = {
      name: PROCESS_TOOL,
      label: 'Process',
      description: PROCESS_TOOL_DESCRIPTION,
      promptSnippet: 'Run and manage background processes (dev servers, watchers) with alerts and log watches',
      parameters: PROCESS_TOOL_PARAMETERS,
      execute: async (_id: string, params: ProcessToolParams) => this.run(ctx, params),
    };
    return [tool as unknown as ToolDefinition];
  }

  /** A session with a running process stays loaded: idle eviction would kill it. */
  holdsSession(sessionId: string): boolean {
    return this.manager.hasRunning(sessionId);
  }

  async disposeSession(sessionId: string): Promise<void> {
    this.throttles.delete(sessionId);
    await this.manager.disposeSession(sessionId);
  }

  /** One tool call; every problem comes back as an envelope the model can read. */
  async run(ctx: ForgeToolContext, params: ProcessToolParams): Promise<ToolResult> {
    const action = params.action;
    try {
      switch (action) {
        case 'start':
          return await this.start(ctx, params);
        case 'list': {
          const processes = this.manager.list(ctx.sessionId);
          const text = listText(processes);
          if (this.throttle(ctx.sessionId).suppress('list', text)) return this.unchanged(action, processes.length);
          return result({ action, success: true, message: text, processes });
        }
        case 'clear': {
          const cleared = await this.manager.clear(ctx.sessionId);
          return result({
            action,
            success: true,
            message: cleared > 0 ? `Cleared ${cleared} finished process(es)` : 'No finished processes to clear',
            cleared,
          });
        }
      }
      if (!params.id) return failure(action, 'Missing required parameter: id');
      const p = this.manager.find(ctx.sessionId, params.id);
      if (!p) return failure(action, `Process not found: ${params.id}`);
      const info = { ...p.info };
      switch (action) {
        case 'output': {
          const output = p.output(1000);
          const text = outputText(info, output);
          if (this.throttle(ctx.sessionId).suppress(`output:${info.id}`, text)) return this.unchanged(action, 1);
          const message = `"${info.name}" (${info.id}) [${statusText(info)}]: ${output.stdout.length} stdout lines, ${output.stderr.length} stderr lines`;
          return result({ action, success: true, message, output }, text);
        }
        case 'logs': {
          const message = `Log files for "${info.name}" (${info.id}):\n  stdout: ${info.stdoutFile}\n  stderr: ${info.stderrFile}\nRead them with the read tool.`;
          return result({ action, success: true, message, logFiles: { stdoutFile: info.stdoutFile, stderrFile: info.stderrFile } });
        }
        case 'kill': {
          const killed = await p.kill();
          const after = { ...p.info };
          if (killed.ok) return result({ action, success: true, message: `Killed "${info.name}" (${info.id})`, process: after });
          return result({
            action,
            success: false,
            message: `Failed to kill "${info.name}" (${info.id}): ${killed.reason}`,
            process: after,
          });
        }
        case 'write': {
          if (typeof params.input !== 'string') return failure(action, 'Missing required parameter: input');
          const written = await p.write(params.input, params.end === true);
          if (written.ok)
            return result({
              action,
              success: true,
              message: `Wrote ${params.input.length} characters to "${info.name}" (${info.id})${params.end ? ' and closed stdin' : ''}`,
            });
          return failure(action, `Could not write to "${info.name}" (${info.id}): ${written.reason}`);
        }
        default:
          return failure(String(action), `Unknown action: ${String(action)}`);
      }
    } catch (err) {
      return failure(String(action), readableError(err));
    }
  }

  private async start(ctx: ForgeToolContext, params: ProcessToolParams): Promise<ToolResult> {
    if (!params.command?.trim()) return failure('start', 'Missing required parameter: command');
    const problem = logWatchProblem(params.logWatches);
    if (problem) return failure('start', problem);
    const info = await this.manager.start(ctx.sessionId, {
      command: params.command,
      name: params.name,
      cwd: ctx.cwd,
      alertOnSuccess: params.alertOnSuccess,
      alertOnFailure: params.alertOnFailure,
      alertOnKill: params.alertOnKill,
      watches: params.logWatches,
    });
    const message = `Started "${info.name}" (${info.id}, PID: ${info.pid})\nLogs: ${info.stdoutFile}`;
    return result({ action: 'start', success: true, message, process: info });
  }

  private unchanged(action: string, count: number): ToolResult {
    return result({
      action,
      success: true,
      message: `Unchanged since your last ${action} call (${count} process(es)); no need to poll — alerts and watches arrive on their own.`,
    });
  }

  private throttle(sessionId: string): PollThrottle {
    let t = this.throttles.get(sessionId);
    if (!t) this.throttles.set(sessionId, (t = new PollThrottle()));
    return t;
  }

  private onWatch(ctx: ForgeToolContext, p: ProcessInfo, match: WatchMatch): void {
    const payload = {
      processId: p.id,
      processName: p.name,
      processCommand: p.command,
      source: match.source,
      line: match.line,
      watch: match.watch,
    };
    ctx.emit({ type: 'process_watch', sessionId: ctx.sessionId, match: payload });
    this.card(ctx, 'process-watch', watchText(p, match.source, match.line, match.watch.pattern), payload, true);
  }

  private onEnded(ctx: ForgeToolContext, p: ProcessInfo, reason: EndReason): void {
    const wanted = reason === 'success' ? p.alertOnSuccess : reason === 'failure' ? p.alertOnFailure : p.alertOnKill;
    if (!wanted) return;
    // Webhooks and other listeners on the bus; browsers see the card and process_update instead.
    ctx.emit(
      {
        type: 'process_alert',
        sessionId: ctx.sessionId,
        projectId: ctx.projectId,
        data: {
          reason,
          processId: p.id,
          name: p.name,
          pid: p.pid,
          command: p.command,
          cwd: p.cwd,
          startTime: p.startTime,
          endTime: p.endTime,
          exitCode: p.exitCode,
          success: p.success,
        },
      },
      { publishOnly: true },
    );
    // A success is informational; a failure or an outside kill asks for the agent's attention.
    this.card(ctx, 'process-notify', endedText(p, reason), { reason, process: p }, reason !== 'success');
  }

  /** A custom message in the session: steers a running turn or starts one when `wake`, else only shows. */
  private card(ctx: ForgeToolContext, customType: string, text: string, details: unknown, wake: boolean): void {
    const session = ctx.live()?.session;
    if (!session) return;
    session
      .sendCustomMessage(
        { customType, content: [{ type: 'text', text }], display: true, details },
        wake ? { triggerTurn: true, deliverAs: 'steer' } : { triggerTurn: false },
      )
      .catch((err: unknown) => this.logger.warn({ err, sessionId: ctx.sessionId, customType }, 'process alert could not be delivered'));
  }
}
