// The open session's background processes (the agent's `process` tool): the list from the stream's
// `process_update`, the selected process's output refetched on each `process_output` pointer, and
// kill / clear / stdin / log download. One output fetch at a time: pointers that arrive meanwhile
// fold into a single refetch, so a chatty process costs at most one request in flight.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { processesApi, type ProcessInfo, type ProcessOutput } from '../services/processes.api';

export type { ProcessInfo, ProcessOutput };
import { ApiError } from '../services/http';

const ALIVE = new Set(['running', 'terminating', 'terminate_timeout']);
export const isAlive = (p: Pick<ProcessInfo, 'status'>) => ALIVE.has(p.status);

export const useProcessesStore = defineStore('processes', () => {
  const sessionId = ref<string | null>(null);
  const processes = ref<ProcessInfo[]>([]);
  const selectedId = ref<string | null>(null);
  const output = ref<ProcessOutput | null>(null);
  const note = ref('');
  let inFlight: Promise<void> | null = null;
  let again = false;

  const selected = computed(() => processes.value.find((p) => p.id === selectedId.value) ?? null);
  const finishedCount = computed(() => processes.value.filter((p) => !isAlive(p)).length);

  /** A new session is open (or none): forget the last one's processes. */
  function open(id: string | null): void {
    if (id === sessionId.value) return;
    sessionId.value = id;
    processes.value = [];
    selectedId.value = null;
    output.value = null;
    note.value = '';
  }

  /** A stream event of session `id` (process_update / process_output; others are ignored). */
  function applyEvent(id: string, e: { type: string; [key: string]: unknown }): void {
    if (id !== sessionId.value) return;
    if (e.type === 'process_update' && Array.isArray(e.processes)) {
      processes.value = e.processes as ProcessInfo[];
      if (selectedId.value && !selected.value) {
        selectedId.value = null;
        output.value = null;
      } else if (selectedId.value) void refreshOutput();
    } else if (e.type === 'process_output' && e.id === selectedId.value) void refreshOutput();
  }

  async function load(): Promise<void> {
    if (!sessionId.value) return;
    processes.value = await processesApi.list(sessionId.value);
  }

  function select(id: string | null): Promise<void> {
    selectedId.value = id;
    output.value = null;
    note.value = '';
    return id ? refreshOutput() : Promise.resolve();
  }

  /** Refetches the selected output; calls while one runs are folded into one more fetch after it. */
  function refreshOutput(): Promise<void> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      try {
        do {
          again = false;
          const sid = sessionId.value;
          const pid = selectedId.value;
          if (!sid || !pid) return;
          const out = await processesApi.output(sid, pid).catch((err: unknown) => {
            if (err instanceof ApiError && err.status === 404) return null;
            throw err;
          });
          if (sid === sessionId.value && pid === selectedId.value) output.value = out;
        } while (again);
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }

  async function kill(id: string): Promise<void> {
    if (!sessionId.value) return;
    const r = await processesApi.kill(sessionId.value, id);
    note.value = r.ok ? '' : `The process did not stop (${r.reason ?? 'error'}).`;
  }

  async function clear(): Promise<number> {
    if (!sessionId.value) return 0;
    return (await processesApi.clear(sessionId.value)).cleared;
  }

  /** Writes a line (a newline is added) or closes stdin; explains refusals instead of throwing them. */
  async function sendInput(text: string, end = false): Promise<boolean> {
    const sid = sessionId.value;
    const pid = selectedId.value;
    if (!sid || !pid) return false;
    try {
      const r = await processesApi.stdin(sid, pid, end ? text : `${text}\n`, end);
      note.value = r.ok ? '' : `Input not written: ${r.reason ?? 'error'}.`;
      return r.ok;
    } catch (err) {
      note.value =
        err instanceof ApiError && err.code === 'process_exited'
          ? 'The process has ended; it takes no more input.'
          : (err as Error).message;
      return false;
    }
  }

  async function downloadLog(stream: 'stdout' | 'stderr'): Promise<{ blob: Blob; filename: string } | null> {
    const p = selected.value;
    if (!sessionId.value || !p) return null;
    const blob = await processesApi.logFile(sessionId.value, p.id, stream);
    return { blob, filename: `${p.name.replace(/[^\w.-]+/g, '-').slice(0, 40) || 'process'}-${p.id}.${stream}.log` };
  }

  return {
    sessionId,
    processes,
    selectedId,
    selected,
    output,
    note,
    finishedCount,
    open,
    applyEvent,
    load,
    select,
    refreshOutput,
    kill,
    clear,
    sendInput,
    downloadLog,
  };
});
