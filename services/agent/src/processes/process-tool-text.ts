// What the `process` tool tells the model (docs/compatibility.md#processes): its description and
// parameter schema (the contract of @aliou/pi-processes, in our own words) and the result texts.
import type { ProcessInfo, ProcessOutput } from './process-info.js';

export const PROCESS_TOOL_DESCRIPTION = `Run and manage background processes (dev servers, watchers, long builds or test runs) without blocking the conversation. Actions:
- start: run 'command' in the background with /bin/sh -c in the project folder ('name' is a friendly label).
  alertOnSuccess (default false): show a note when it exits with code 0 (no new turn).
  alertOnFailure (default true): you get a turn when it exits with a non-zero code.
  alertOnKill (default false): you get a turn when something else kills it (kill via this tool never alerts).
  logWatches: [{pattern (JavaScript regex), stream: stdout|stderr|both (default both), repeat (default false)}]: you get a turn when an output line matches.
- list: all processes of this session with id, name, status.
- output: the recent stdout/stderr lines of 'id' (an id or a name).
- logs: the log file paths of 'id', to read with the read tool.
- kill: stop 'id' (SIGTERM to its process group, SIGKILL after 5 s).
- clear: forget the finished processes and delete their logs.
- write: write 'input' to the stdin of 'id'; end=true closes stdin afterwards.
You do not need to poll or wait: alerts and watches arrive on their own. Start a process and carry on with other work.`;

const WATCH_SCHEMA = {
  type: 'object',
  properties: {
    pattern: { type: 'string', description: 'Regular expression (JavaScript syntax) matched against each output line' },
    stream: { type: 'string', enum: ['stdout', 'stderr', 'both'], description: 'Which output to watch (default both)' },
    repeat: { type: 'boolean', description: 'Fire on every matching line instead of the first only (default false)' },
  },
  required: ['pattern'],
};

export const PROCESS_TOOL_PARAMETERS = {
  type: 'object',
  properties: {
    action: {
      type: 'string',
      enum: ['start', 'list', 'output', 'logs', 'kill', 'clear', 'write'],
      description:
        'start (run command), list (show all), output (recent output), logs (log file paths), kill (terminate), clear (remove finished), write (stdin)',
    },
    command: { type: 'string', description: 'Command to run (start)' },
    name: { type: 'string', description: "Friendly name (start), e.g. 'backend-dev'" },
    id: { type: 'string', description: 'Process id or name (output, logs, kill, write)' },
    input: { type: 'string', description: 'Text to write to stdin (write)' },
    end: { type: 'boolean', description: 'Close stdin after writing (write)' },
    alertOnSuccess: { type: 'boolean', description: 'Informational note on exit code 0 (default false)' },
    alertOnFailure: { type: 'boolean', description: 'Get a turn on a non-zero exit (default true)' },
    alertOnKill: { type: 'boolean', description: 'Get a turn when killed by an external signal (default false)' },
    logWatches: { type: 'array', items: WATCH_SCHEMA, description: 'Wake on output lines matching these patterns (start)' },
  },
  required: ['action'],
} as const;

/** Text the model sees: at most this many lines per stream and this many characters in all. */
export const OUTPUT_LINES_FOR_MODEL = 100;
export const OUTPUT_CHARS_FOR_MODEL = 50_000;

function runtime(p: ProcessInfo): string {
  const s = Math.floor(((p.endTime ?? Date.now()) - p.startTime) / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor(s / 60) % 60}m` : s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}

export function statusText(p: Pick<ProcessInfo, 'status' | 'exitCode'>): string {
  return p.status === 'exited' ? `exited(${p.exitCode ?? '?'})` : p.status;
}

export function listText(processes: ProcessInfo[]): string {
  if (processes.length === 0) return 'No background processes';
  const rows = processes.map((p) => `${p.id} "${p.name}": ${truncate(p.command, 60)} [${statusText(p)}] ${runtime(p)}`);
  return `${processes.length} process(es):\n${rows.join('\n')}`;
}

export function outputText(p: ProcessInfo, out: ProcessOutput): string {
  const parts = [`"${p.name}" (${p.id}) [${statusText(p)}]: ${out.stdout.length} stdout lines, ${out.stderr.length} stderr lines`];
  for (const source of ['stdout', 'stderr'] as const) {
    if (out[source].length === 0) continue;
    parts.push(`\n--- ${source} (last ${OUTPUT_LINES_FOR_MODEL} lines) ---`, ...out[source].slice(-OUTPUT_LINES_FOR_MODEL));
  }
  const text = parts.join('\n');
  return text.length > OUTPUT_CHARS_FOR_MODEL
    ? `${text.slice(0, 200)}\n[… cut …]\n${text.slice(-OUTPUT_CHARS_FOR_MODEL)}\nFull logs: ${p.stdoutFile}, ${p.stderrFile}`
    : text;
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** The card text of an alert; the id leads so the model can act on it (kill, output). */
export function endedText(p: ProcessInfo, reason: 'success' | 'failure' | 'killed'): string {
  const what =
    reason === 'success'
      ? 'finished successfully'
      : reason === 'failure'
        ? `failed with exit code ${p.exitCode ?? '?'}`
        : 'was killed by a signal';
  return `Background process ${p.id} "${p.name}" ${what} after ${runtime(p)}. Command: ${truncate(p.command, 200)}`;
}

export function watchText(p: ProcessInfo, source: string, line: string, pattern: string): string {
  return `Background process ${p.id} "${p.name}" printed a line matching /${pattern}/ on ${source}: ${truncate(line, 500)}`;
}
