import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useProcessesStore } from './processes';
import type { ProcessInfo } from '../services/processes.api';

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const proc = (id: string, status: ProcessInfo['status'] = 'running'): ProcessInfo => ({
  id,
  name: `p-${id}`,
  pid: 42,
  command: 'sleep 1',
  cwd: '/w/p',
  startTime: 1,
  endTime: status === 'running' ? null : 2,
  status,
  exitCode: status === 'exited' ? 0 : null,
  success: status === 'exited' ? true : null,
  stdoutFile: '/d/stdout.log',
  stderrFile: '/d/stderr.log',
  alertOnSuccess: false,
  alertOnFailure: true,
  alertOnKill: false,
});

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.unstubAllGlobals());

describe('processes store', () => {
  it('takes the list from process_update of the open session only, and forgets it when another opens', () => {
    const store = useProcessesStore();
    store.open('s1');
    store.applyEvent('s2', { type: 'process_update', processes: [proc('a')] });
    expect(store.processes).toEqual([]);
    store.applyEvent('s1', { type: 'process_update', processes: [proc('a'), proc('b', 'exited')] });
    expect(store.processes.map((p) => p.id)).toEqual(['a', 'b']);
    expect(store.finishedCount).toBe(1);
    store.open('s2');
    expect(store.processes).toEqual([]);
  });

  it('refetches the selected output on its process_output pointers, folding a burst into one more request', async () => {
    const urls: string[] = [];
    let release: () => void = () => {};
    let n = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        urls.push(url);
        const i = ++n;
        if (i === 2) await new Promise<void>((r) => (release = r));
        return json({ stdout: [`line ${i}`], stderr: [], status: 'running' });
      }),
    );
    const store = useProcessesStore();
    store.open('s1');
    store.applyEvent('s1', { type: 'process_update', processes: [proc('a'), proc('b')] });
    await store.select('a');
    expect(store.output?.stdout).toEqual(['line 1']);
    expect(urls[0]).toBe('/api/v1/sessions/s1/processes/a/output?tail=500');
    // Another process's output is not fetched.
    store.applyEvent('s1', { type: 'process_output', id: 'b' });
    expect(urls).toHaveLength(1);
    // A burst while one request is in flight: one more request after it, not one per event.
    store.applyEvent('s1', { type: 'process_output', id: 'a' });
    for (let i = 0; i < 5; i++) store.applyEvent('s1', { type: 'process_output', id: 'a' });
    await vi.waitFor(() => expect(urls).toHaveLength(2));
    release();
    await vi.waitFor(() => expect(store.output?.stdout).toEqual(['line 3']));
    expect(urls).toHaveLength(3);
  });

  it('drops the selection when the process is cleared', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json({ stdout: [], stderr: [], status: 'running' })),
    );
    const store = useProcessesStore();
    store.open('s1');
    store.applyEvent('s1', { type: 'process_update', processes: [proc('a', 'exited')] });
    await store.select('a');
    store.applyEvent('s1', { type: 'process_update', processes: [] });
    expect(store.selectedId).toBeNull();
    expect(store.output).toBeNull();
  });

  it('sends a line with a newline, explains 409 process_exited, and kills and clears through the routes', async () => {
    const calls: [string, RequestInit][] = [];
    let dead = false;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push([url, init]);
        if (url.endsWith('/stdin') && dead)
          return json({ ok: false, reason: 'process_exited', error: 'process_exited', message: 'the process has ended' }, 409);
        if (url.endsWith('/kill')) return json({ ok: false, reason: 'timeout' });
        if (init?.method === 'DELETE') return json({ cleared: 2 });
        return json(url.endsWith('/stdin') ? { ok: true } : { stdout: [], stderr: [], status: 'running' });
      }),
    );
    const store = useProcessesStore();
    store.open('s1');
    store.applyEvent('s1', { type: 'process_update', processes: [proc('a')] });
    await store.select('a');
    expect(await store.sendInput('hello')).toBe(true);
    const stdin = calls.find(([u]) => u.endsWith('/stdin'))!;
    expect(JSON.parse(stdin[1].body as string)).toEqual({ input: 'hello\n' });
    dead = true;
    expect(await store.sendInput('late')).toBe(false);
    expect(store.note).toMatch(/has ended/);
    await store.kill('a');
    expect(store.note).toMatch(/did not stop \(timeout\)/);
    expect(await store.clear()).toBe(2);
  });
});
