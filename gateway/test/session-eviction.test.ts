// Idle live sessions are unloaded after SESSION_IDLE_EVICT_MS and come back from their JSONL on the
// next call, messages intact; a session with a stream open stays loaded (docs/agent-service.md#long-runs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PLAIN_TOKENS,
  configureFakeLlm,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  type FakeLlm,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';
import { openStream, type SseClient } from './sse-client.js';

const API_KEY = 'test-key-eviction-0123456789abcdef';
const EVICT_MS = 1_500;

describe('idle session eviction', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const clients: SseClient[] = [];

  const get = async (path: string) => {
    const res = await stack.api(`/api/v1${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'evict', { 'README.md': 'x\n' });
    stack = await startStack({ name: 'eviction', dirs, env: { API_KEY, SESSION_IDLE_EVICT_MS: String(EVICT_MS) } });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.dispose();
    await llm?.close();
  });

  it('unloads a settled session nobody watches, resumes it with its messages, and keeps one with an open stream', async () => {
    const created = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } });
    const session = (await created.json()) as { sessionId: string };
    const watchedRes = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } });
    const watched = (await watchedRes.json()) as { sessionId: string };
    const a = await openStream(stack.baseUrl, session.sessionId, API_KEY);
    clients.push(a);
    await a.waitFor((e) => e.type === 'snapshot', 'snapshot');
    llm.enqueue({ text: PLAIN_TOKENS });
    const prompt = await stack.api(`/api/v1/sessions/${session.sessionId}/prompt`, { method: 'POST', json: { text: 'hello [no-tool]' } });
    assert.equal(prompt.status, 202);
    await a.waitFor((e) => e.type === 'agent_end', 'agent_end', 20_000);
    a.close();
    const w = await openStream(stack.baseUrl, watched.sessionId, API_KEY);
    clients.push(w);
    await w.waitFor((e) => e.type === 'snapshot', 'snapshot of the watched session');

    await waitUntil('the idle session to be unloaded', async () => (await get(`/sessions/${session.sessionId}`)).body.isLive === false);
    assert.equal((await get(`/sessions/${watched.sessionId}`)).body.isLive, true, 'a session with an open stream stays loaded');

    // The next stream resumes it from disk: same messages, then it runs again.
    const b = await openStream(stack.baseUrl, session.sessionId, API_KEY);
    clients.push(b);
    const snap = await b.waitFor((e) => e.type === 'snapshot', 'snapshot after resume');
    const roles = (snap.data.messages as { role: string }[]).map((m) => m.role).filter((r) => r !== 'system');
    assert.deepEqual(roles, ['user', 'assistant']);
    assert.equal((await get(`/sessions/${session.sessionId}`)).body.isLive, true);
  });
});
