// Processes left behind by an agent service that died without stopping them (kill -9, OOM): each
// process folder records its group leader's pid and kernel start time (`process.json`), and the next
// service start kills those groups and removes every process folder, since no session is live yet.
// The start time guards against a reused pid: a different process with the same pid is left alone.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

export const PROCESS_RECORD = 'process.json';

interface ProcessRecord {
  pid: number;
  startTicks: string;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
export function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function writeProcessRecord(dir: string, pid: number): void {
  const record: ProcessRecord = { pid, startTicks: startTicks(pid) ?? '' };
  writeFileSync(join(dir, PROCESS_RECORD), JSON.stringify(record), { mode: 0o600 });
}

/** Kills the recorded groups that are still the same processes, then removes `root`; returns how many were killed. */
export async function sweepOrphans(root: string, signal: (pgid: number, sig: NodeJS.Signals) => void): Promise<number> {
  let killed = 0;
  for (const session of readdirOrEmpty(root)) {
    for (const proc of readdirOrEmpty(join(root, session))) {
      let record: ProcessRecord;
      try {
        record = JSON.parse(readFileSync(join(root, session, proc, PROCESS_RECORD), 'utf8')) as ProcessRecord;
      } catch {
        continue;
      }
      if (!Number.isInteger(record.pid) || record.pid <= 1 || !record.startTicks || startTicks(record.pid) !== record.startTicks) continue;
      try {
        signal(record.pid, 'SIGKILL');
        killed++;
      } catch {
        /* gone meanwhile */
      }
    }
  }
  await rm(root, { recursive: true, force: true });
  return killed;
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
