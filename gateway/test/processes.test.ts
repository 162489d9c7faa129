// The process tool end to end (issue 14.3): a scripted agent run starts a ticking background
// process with a log watch, the watch wakes the agent and it kills the process; the Processes
// routes with their bad inputs and limits; and the process lifecycle: a scrubbed environment,
// survival of a gateway restart, and nothing left behind (processes, logs) when the session goes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  configureFakeLlm,
  descendants,
  enqueueProcessWatchRun,
  isGone,
  makeStackDirs,
  runDocExample,
  seedProject,
  startFakeLlm,
  startStack,
  TICKER_COMMAND,
  waitFor,
  type FakeLlm,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';
import { openStream, type SseClient } from './sse-client.js';

const API_KEY = 'test-key-processes-0123456789abcdef';
/** In the agent service's environment; no background process may see it. */
const AGENT_ENV_SECRET = 'sk-ant-agent-env-secret-must-not-leak-42';
const MAX = 3;

interface Info {
  id: string;
  pid: number;
  name: string;
  status: string;
  exitCode: number | null;
  endTime: number | null;
}

describe('processes: the process tool and its routes', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const clients: SseClient[] = [];

  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => stack.api(`/api/v1${path}`, init);
  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    assert.equal(res.status, status, text);
    return JSON.parse(text) as T;
  };
  const newSession = async () =>
    (await json<{ sessionId: string }>(await api('/sessions', { method: 'POST', json: { projectId: project.id } }), 201)).sessionId;
  const start = async (sid: string, command: string, name?: string) =>
    json<Info>(await api(`/sessions/${sid}/processes`, { method: 'POST', json: { command, name } }), 201);
  const list = async (sid: string) => (await json<{ processes: Info[] }>(await api(`/sessions/${sid}/processes`), 200)).processes;
  const output = async (sid: string, pid: string, tail = 200) =>
    json<{ stdout: string[]; stderr: string[]; status: string }>(await api(`/sessions/${sid}/processes/${pid}/output?tail=${tail}`), 200);
  const statusOf = async (sid: string, id: string) => (await list(sid)).find((p) => p.id === id)?.status;

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'processes');
    stack = await startStack({
      name: 'processes',
      dirs,
      env: { API_KEY, PROCESS_MAX_PER_SESSION: String(MAX), ANTHROPIC_API_KEY: AGENT_ENV_SECRET },
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.dispose();
    await llm?.close();
  });

  it('a scripted run: the agent starts a ticker with a log watch, the watch wakes it and it kills the ticker', async () => {
    const sid = await newSession();
    const stream = await openStream(stack.baseUrl, sid, API_KEY);
    clients.push(stream);
    await stream.waitFor((e) => e.type === 'snapshot', 'snapshot');
    // The list follows every snapshot, empty at first.
    const initial = await stream.waitFor((e) => e.type === 'process_update', 'process_update after the snapshot');
    assert.deepEqual(initial.data.processes, []);

    llm.reset();
    const run = enqueueProcessWatchRun(llm);
    assert.equal(
      (await api(`/sessions/${sid}/prompt`, { method: 'POST', json: { text: 'Start a ticker and stop it once it ticks' } })).status,
      202,
    );

    const watch = await stream.waitFor((e) => e.type === 'process_watch', 'process_watch', 60_000);
    const match = watch.data.match as {
      processId: string;
      processName: string;
      processCommand: string;
      source: string;
      line: string;
      watch: unknown;
    };
    assert.equal(watch.data.sessionId, sid);
    assert.equal(match.processName, 'ticker');
    assert.equal(match.processCommand, TICKER_COMMAND);
    assert.equal(match.source, 'stdout');
    assert.match(match.line, /^tick \d+$/);
    assert.deepEqual(match.watch, { index: 0, pattern: 'tick \\d+', stream: 'stdout', repeat: false });
    await stream.waitFor((e) => e.type === 'process_output' && e.data.id === match.processId, 'process_output');

    // The wake-up made the agent kill exactly that process, through the tool.
    const killed = await stream.waitFor(
      (e) => e.type === 'process_update' && (e.data.processes as Info[]).some((p) => p.id === match.processId && p.status === 'killed'),
      'the ticker killed',
      60_000,
    );
    assert.equal(run.killedId, match.processId);
    const info = (killed.data.processes as Info[]).find((p) => p.id === match.processId)!;
    await waitFor('the ticker gone', () => isGone(info.pid), 10_000);
    await waitFor(
      'the run after the kill ended',
      () => llm.requests.some((r) => r.lastIsToolResult && JSON.stringify(r.body).includes(`Killed \\"ticker\\" (${match.processId})`)),
      60_000,
    );
    const { messages } = await json<{ messages: { role: string; customType?: string }[] }>(await api(`/sessions/${sid}/messages`), 200);
    assert.ok(
      messages.some((m) => m.role === 'custom' && m.customType === 'process-watch'),
      'the watch card is in the conversation',
    );
    llm.reset();
  });

  it('routes: output, log file, kill, clear; bad input and unknown ids answer 4xx', async () => {
    const sid = await newSession();
    const p = await start(sid, 'for i in 1 2 3; do echo "out $i"; echo "err $i" >&2; done; sleep 60', 'counter');
    assert.match(p.id, /^[0-9a-f]{8}$/);
    assert.equal(p.status, 'running');
    await waitFor('three lines', async () => (await output(sid, p.id)).stdout.length === 3, 20_000);
    assert.deepEqual(await output(sid, p.id, 2), { stdout: ['out 2', 'out 3'], stderr: ['err 2', 'err 3'], status: 'running' });

    const log = await api(`/sessions/${sid}/processes/${p.id}/logs/file?stream=stderr`);
    assert.equal(log.status, 200);
    assert.equal(log.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await log.text(), 'err 1\nerr 2\nerr 3\n');

    for (const [path, status, code] of [
      [`/sessions/${sid}/processes/${p.id}/output?tail=abc`, 400, 'validation_failed'],
      [`/sessions/${sid}/processes/${p.id}/logs/file?stream=stdin`, 400, 'validation_failed'],
      [`/sessions/${sid}/processes/deadbeef/output`, 404, 'process_not_found'],
      [`/sessions/${sid}/processes/deadbeef/logs/file`, 404, 'process_not_found'],
      [`/sessions/no-such-session/processes`, 404, 'session_not_found'],
    ] as const) {
      const res = await api(path);
      const body = await json<{ error: string; message: string }>(res, status);
      assert.equal(body.error, code, path);
      assert.equal(typeof body.message, 'string');
    }
    const noInput = await json<{ error: string }>(
      await api(`/sessions/${sid}/processes/${p.id}/stdin`, { method: 'POST', json: { end: true } }),
      400,
    );
    assert.equal(noInput.error, 'validation_failed');
    const huge = await api(`/sessions/${sid}/processes/${p.id}/stdin`, { method: 'POST', json: { input: 'x'.repeat(300 * 1024) } });
    assert.equal(huge.status, 413);
    const longInput = await api(`/sessions/${sid}/processes/${p.id}/stdin`, { method: 'POST', json: { input: 'x'.repeat(65 * 1024) } });
    assert.equal(longInput.status, 400);
    const emptyCommand = await api(`/sessions/${sid}/processes`, { method: 'POST', json: { command: '' } });
    assert.equal(emptyCommand.status, 400);
    assert.equal((await api(`/sessions/${sid}/processes/deadbeef/kill`, { method: 'POST' })).status, 404);

    assert.deepEqual(await json(await api(`/sessions/${sid}/processes`, { method: 'DELETE' }), 200), { cleared: 0 });
    assert.deepEqual(await json(await api(`/sessions/${sid}/processes/${p.id}/kill`, { method: 'POST' }), 200), { ok: true });
    assert.equal(await statusOf(sid, p.id), 'killed');
    assert.deepEqual(await json(await api(`/sessions/${sid}/processes`, { method: 'DELETE' }), 200), { cleared: 1 });
    assert.deepEqual(await list(sid), []);
    assert.ok(!existsSync(join(stack.dirs.data, 'processes', sid, p.id)), 'cleared logs are removed');
  });

  it('every process route is in the OpenAPI document', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(await api('/../docs/json'), 200);
    const base = '/api/v1/sessions/{id}/processes';
    for (const [path, methods] of [
      [base, ['get', 'post', 'delete']],
      [`${base}/{processId}/output`, ['get']],
      [`${base}/{processId}/logs/file`, ['get']],
      [`${base}/{processId}/kill`, ['post']],
      [`${base}/{processId}/stdin`, ['post']],
    ] as const)
      for (const m of methods) assert.ok(doc.paths[path]?.[m], `${m.toUpperCase()} ${path}`);
  });

  it('the docs example lists, reads and kills a process', async () => {
    const sid = await newSession();
    const p = await start(sid, 'echo first; echo second; sleep 60', 'docs');
    await waitFor('output', async () => (await output(sid, p.id)).stdout.length === 2, 20_000);
    const r = await runDocExample('processes/list-and-kill', {
      PI_FORGE_URL: stack.baseUrl,
      PI_FORGE_API_KEY: API_KEY,
      SESSION_ID: sid,
      PROCESS_ID: p.id,
    });
    assert.equal(r.code, 0, r.stderr);
    const [listed, out, kill, logTail] = r.stdout.split('\n');
    assert.equal((JSON.parse(listed!) as { processes: Info[] }).processes[0]!.id, p.id);
    assert.deepEqual((JSON.parse(out!) as { stdout: string[] }).stdout, ['first', 'second']);
    assert.deepEqual(JSON.parse(kill!), { ok: true });
    assert.equal(logTail, 'first');
    assert.equal(await statusOf(sid, p.id), 'killed');
  });

  it(`at most PROCESS_MAX_PER_SESSION (${MAX}) running processes: one more is 429 too_many_processes`, async () => {
    const sid = await newSession();
    for (let i = 0; i < MAX; i++) await start(sid, 'sleep 60');
    const refused = await json<{ error: string; message: string }>(
      await api(`/sessions/${sid}/processes`, { method: 'POST', json: { command: 'sleep 60' } }),
      429,
    );
    assert.equal(refused.error, 'too_many_processes');
    assert.match(refused.message, /PROCESS_MAX_PER_SESSION=3/);
    // Another session has its own allowance.
    const other = await newSession();
    await start(other, 'true');
  });

  it('stdin: written while it runs, 409 process_exited once it has ended', async () => {
    const sid = await newSession();
    const p = await start(sid, 'cat', 'echoer');
    assert.deepEqual(
      await json(await api(`/sessions/${sid}/processes/${p.id}/stdin`, { method: 'POST', json: { input: 'hello\n' } }), 200),
      { ok: true },
    );
    await waitFor('echoed', async () => (await output(sid, p.id)).stdout.includes('hello'), 20_000);
    assert.deepEqual(
      await json(await api(`/sessions/${sid}/processes/${p.id}/stdin`, { method: 'POST', json: { input: '', end: true } }), 200),
      { ok: true },
    );
    await waitFor('cat exited', async () => (await statusOf(sid, p.id)) === 'exited', 20_000);
    const dead = await json<Record<string, unknown>>(
      await api(`/sessions/${sid}/processes/${p.id}/stdin`, { method: 'POST', json: { input: 'late' } }),
      409,
    );
    assert.equal(dead.ok, false);
    assert.equal(dead.reason, 'process_exited');
    assert.equal(dead.error, 'process_exited');
  });

  it('the environment is scrubbed: a secret of the agent service is not visible to the process', async () => {
    // The secret really is in the agent service's environment (so the check below means something).
    assert.ok(
      readFileSync(`/proc/${stack.pid('agent')}/environ`, 'utf8')
        .split('\0')
        .includes(`ANTHROPIC_API_KEY=${AGENT_ENV_SECRET}`),
    );
    const sid = await newSession();
    const p = await start(sid, 'echo "anthropic=${ANTHROPIC_API_KEY:-none}"; env');
    await waitFor('exited', async () => (await statusOf(sid, p.id)) === 'exited', 20_000);
    const out = await output(sid, p.id, 1000);
    assert.equal(out.stdout[0], 'anthropic=none');
    assert.ok(
      out.stdout.some((l) => l.startsWith('PATH=')),
      'PATH is kept',
    );
    const all = out.stdout.join('\n');
    assert.ok(!all.includes(AGENT_ENV_SECRET));
    assert.ok(!all.includes(API_KEY), 'nor the gateway API key');
    assert.ok(!all.includes(stack.serviceSecret()), 'nor the service secret');
  });

  it('a process keeps running across a gateway restart', async () => {
    const sid = await newSession();
    const p = await start(sid, TICKER_COMMAND, 'survivor');
    await waitFor('a tick', async () => (await output(sid, p.id)).stdout.length > 0, 20_000);
    await stack.kill9('gateway');
    await waitFor(
      'the gateway back',
      async () => {
        try {
          return (await stack.health()).status === 'ok';
        } catch {
          return false;
        }
      },
      60_000,
    );
    const after = (await list(sid)).find((x) => x.id === p.id)!;
    assert.equal(after.status, 'running');
    assert.equal(after.pid, p.pid);
    assert.ok(!isGone(p.pid));
    const before = (await output(sid, p.id, 1000)).stdout.length;
    await waitFor('more ticks after the restart', async () => (await output(sid, p.id, 1000)).stdout.length > before, 20_000);
  });

  it('deleting the session kills its processes (and their children) and removes the logs', async () => {
    const sid = await newSession();
    const a = await start(sid, 'sleep 120 & sleep 120 & wait', 'parent');
    const b = await start(sid, `trap '' TERM; while :; do sleep 0.2; done`, 'stubborn');
    await waitFor('the children', () => descendants(a.pid).length >= 2, 10_000);
    const pids = [a.pid, b.pid, ...descendants(a.pid), ...descendants(b.pid)];
    assert.ok(existsSync(join(stack.dirs.data, 'processes', sid, a.id, 'stdout.log')));
    assert.equal((await api(`/sessions/${sid}`, { method: 'DELETE' })).status, 204);
    await waitFor('no orphan left', () => pids.every(isGone), 15_000);
    assert.ok(!existsSync(join(stack.dirs.data, 'processes', sid)), 'the log folder is gone');
    assert.equal((await api(`/sessions/${sid}/processes`)).status, 404);
  });

  it('a killed agent service leaves no process behind: the next start kills it and removes the logs', async () => {
    const sid = await newSession();
    const p = await start(sid, 'sleep 300 & wait', 'orphan');
    await waitFor('the child', () => descendants(p.pid).length >= 1, 10_000);
    const pids = [p.pid, ...descendants(p.pid)];
    await stack.kill9('agent');
    await waitFor(
      'the agent back',
      async () => {
        try {
          return (await stack.health()).services.agent === 'serving';
        } catch {
          return false;
        }
      },
      60_000,
    );
    await waitFor('the orphans killed', () => pids.every(isGone), 15_000);
    assert.ok(!existsSync(join(stack.dirs.data, 'processes')), 'the stale log folders are removed');
  });
});
