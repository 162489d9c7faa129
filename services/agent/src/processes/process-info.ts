// The contract's ProcessInfo (docs/compatibility.md#processes) and the small types around it.

export type ProcessStatus = 'running' | 'terminating' | 'terminate_timeout' | 'exited' | 'killed';

export interface ProcessInfo {
  id: string;
  name: string;
  pid: number;
  command: string;
  cwd: string;
  startTime: number;
  endTime: number | null;
  status: ProcessStatus;
  exitCode: number | null;
  success: boolean | null;
  stdoutFile: string;
  stderrFile: string;
  alertOnSuccess: boolean;
  alertOnFailure: boolean;
  alertOnKill: boolean;
}

export interface ProcessOutput {
  stdout: string[];
  stderr: string[];
  status: ProcessStatus;
}

/** Why a process ended, for alerts: its own exit (0 or not), or a signal nobody here sent. */
export type EndReason = 'success' | 'failure' | 'killed';

export interface KillResult {
  ok: boolean;
  reason?: 'timeout' | 'error';
}

export type StdinResult = { ok: true } | { ok: false; reason: 'process_exited' | 'stdin_closed' | 'write_error' };

/** Running, or asked to stop and not gone yet: counts toward the per-session cap. */
export function isAlive(status: ProcessStatus): boolean {
  return status === 'running' || status === 'terminating' || status === 'terminate_timeout';
}
