// The run belongs to the agent service: SSE clients and even the gateway may die mid-run, and
// a reconnect with Last-Event-ID gets exactly the missed events. A killed agent service loses no
// completed turn and resumes the session from its JSONL when the stream is opened again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import {
  PLAIN_TOKENS,
  configureFakeLlm,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  waitFor,
  type FakeLlm,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';
import { openStream, streamedText, type SseClient, type SseEvent } from './sse-client.js';

const API_KEY = 'test-key-stream-0123456789abcdef';
const SLOW = Array.from({ length: 30 }, (_, i) => `w${i} `);
const isTextDelta = (e: SseEvent) =>
  e.type === 'message_update' && (e.data.assistantMessageEvent as { type: string }).type === 'text_delta';
const seqOf = (e: SseEvent) => Number(e.id!.split('-')[1]);

describe('stream: reconnects and restarts', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const clients: SseClient[] = [];

  const post = (path: string, body: unknown) => stack.api(`/api/v1${path}`, { method: 'POST', json: body });
  const stream = async (id: string, lastEventId?: string) => {
    const c = await openStream(stack.baseUrl, id, API_KEY, lastEventId);
    clients.push(c);
    assert.equal(c.status, 200, JSON.stringify(c.errorBody));
    return c;
  };
  const newSession = async (): Promise<string> => {
    const res = await post('/sessions', { projectId: project.id });
    assert.equal(res.status, 201);
    return ((await res.json()) as { sessionId: string }).sessionId;
  };
  const healthy = () =>
    waitFor(
      'every service serving',
      async () => {
        try {
          return (await stack.health()).status === 'ok';
        } catch {
          return false;
        }
      },
      30_000,
    );

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'streams');
    stack = await startStack({ name: 'stream', dirs, env: { API_KEY, SSE_HEARTBEAT_MS: '1000' } });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.dispose();
    await llm?.close();
  });

  it('kill -9 of the gateway mid-run: the run completes and Last-Event-ID replays exactly the missed events', async () => {
    const id = await newSession();
    const first = await stream(id);
    llm.enqueue({ text: SLOW, delayMs: 60 });
    assert.equal((await post(`/sessions/${id}/prompt`, { text: 'slow answer [no-tool]' })).status, 202);
    await first.waitFor(isTextDelta, 'first text delta');
    await stack.kill9('gateway');
    await first.waitEnded('gateway killed');
    const seen = first.events.length;
    await healthy();
    const second = await stream(id, first.lastId);
    await second.waitFor((e) => e.type === 'agent_end', 'agent_end after reconnect');
    assert.notEqual(second.events[0]!.type, 'snapshot', 'a replay, not a snapshot');
    const all = [...first.events.slice(1, seen), ...second.events];
    const seqs = all.map(seqOf);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => seqs[0]! + i),
      'no gap and no duplicate across the reconnect',
    );
    assert.equal(streamedText(all), SLOW.join(''), 'every token arrived exactly once');
    assert.equal(streamedText(second.events).length > 0, true, 'some tokens were produced while no client was connected');
  });

  it('a client joining mid-run gets a snapshot and then exactly the events after it', async () => {
    const id = await newSession();
    const a = await stream(id);
    llm.enqueue({ text: SLOW, delayMs: 100 });
    assert.equal((await post(`/sessions/${id}/prompt`, { text: 'join me midway [no-tool]' })).status, 202);
    await a.waitFor(
      (e) => isTextDelta(e) && String((e.data.assistantMessageEvent as { delta: string }).delta).startsWith('w5 '),
      'sixth delta',
    );
    const b = await stream(id);
    await Promise.all([a, b].map((c) => c.waitFor((e) => e.type === 'agent_end', 'agent_end')));
    const snap = b.events[0]!;
    assert.equal(snap.type, 'snapshot');
    assert.equal(snap.data.isStreaming, true);
    const after = seqOf(snap);
    // Pending forge state (the process list, …) follows the snapshot under the snapshot's own id.
    assert.deepEqual(
      b.events.filter((e) => e.id && seqOf(e) > after).map((e) => e.id),
      a.events.filter((e) => e.id && seqOf(e) > after).map((e) => e.id),
      'same ids as the first client from the snapshot on',
    );
    assert.ok(b.events.length > 5, 'the late client saw the rest of the run');
  });

  it('an unknown or foreign Last-Event-ID gets a fresh snapshot', async () => {
    const id = await newSession();
    for (const lastEventId of ['deadbeef-3', 'garbage']) {
      const c = await stream(id, lastEventId);
      const first = await c.waitFor(() => true, 'first event');
      assert.equal(first.type, 'snapshot');
      c.close();
    }
  });

  it('a client resuming at the newest event gets the response headers at once, not with the next heartbeat', async () => {
    const id = await newSession();
    const c = await stream(id);
    const snap = await c.waitFor((e) => e.type === 'snapshot', 'snapshot');
    c.close();
    assert.ok(snap.id, 'the snapshot carries an id');
    const { request } = await import('node:http');
    const timing = await new Promise<{ headersAt: number; firstDataAt: number; status: number }>((resolve, reject) => {
      const req = request(
        `${stack.baseUrl}/api/v1/sessions/${id}/stream`,
        { headers: { authorization: `Bearer ${API_KEY}`, 'last-event-id': snap.id! } },
        (res) => {
          const headersAt = Date.now();
          res.once('data', () => {
            resolve({ headersAt, firstDataAt: Date.now(), status: res.statusCode ?? 0 });
            req.destroy();
          });
        },
      );
      req.on('error', (err) =>
        err.message.includes('aborted') || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err),
      );
      req.setTimeout(10_000, () => {
        req.destroy();
        reject(new Error('no response within 10 s'));
      });
      req.end();
    });
    assert.equal(timing.status, 200);
    // Nothing new happened after the snapshot, so the first bytes are a heartbeat (every 1000 ms here);
    // the headers must not have waited for it.
    assert.ok(
      timing.firstDataAt - timing.headersAt >= 300,
      `headers arrived with the first heartbeat (${timing.firstDataAt - timing.headersAt} ms apart)`,
    );
  });

  it('an idle stream gets a padded heartbeat comment every SSE_HEARTBEAT_MS', async () => {
    const id = await newSession();
    const c = await stream(id);
    await c.waitFor((e) => e.type === 'snapshot', 'snapshot');
    const before = c.comments;
    await waitFor('two heartbeats', () => c.comments - before >= 2, 5_000);
    // Only the snapshot and the pending state that follows it under the same id: heartbeats are comments.
    assert.ok(
      c.events.every((e) => e.id === c.events[0]!.id),
      'heartbeats are comments, not events',
    );
    c.close();
  });

  it('a client that disconnects does not stop the run, and a later client sees its end in the snapshot', async () => {
    const id = await newSession();
    const c = await stream(id);
    llm.enqueue({ text: PLAIN_TOKENS, delayMs: 80 });
    assert.equal((await post(`/sessions/${id}/prompt`, { text: 'keep going [no-tool]' })).status, 202);
    await c.waitFor(isTextDelta, 'first delta');
    c.close();
    await waitFor(
      'run finished without clients',
      async () => {
        const s = (await (await stack.api(`/api/v1/sessions/${id}`)).json()) as { isStreaming: boolean; messageCount: number };
        return !s.isStreaming && s.messageCount === 2;
      },
      15_000,
    );
    const later = await stream(id);
    const snap = await later.waitFor((e) => e.type === 'snapshot', 'snapshot');
    const messages = snap.data.messages as { role: string; content: { type: string; text?: string }[] }[];
    const answer = messages.filter((m) => m.role === 'assistant').at(-1)!;
    assert.equal(answer.content.map((p) => p.text ?? '').join(''), PLAIN_TOKENS.join(''));
  });

  it('a client that stops reading is dropped at the buffer bound; a reading client still gets the whole answer', async () => {
    const id = await newSession();
    const reader = await stream(id);
    // A raw socket that sends the request and never reads the answer.
    const stalled = connect(stack.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => stalled.once('connect', resolve).once('error', reject));
    stalled.write(`GET /api/v1/sessions/${id}/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\n\r\n`);
    stalled.pause();
    let stalledClosed = false;
    stalled.on('close', () => (stalledClosed = true));
    await reader.waitFor((e) => e.type === 'snapshot', 'snapshot');
    // Every message_update carries the whole message so far, twice (message and partial, as the
    // original sends them), so the bytes grow with the square of the tokens: 1,500 are ~35 MB, far past the 8 MB bound.
    const tokens = Array.from({ length: 1500 }, (_, i) => `bulk-token-${i} `);
    llm.enqueue({ text: tokens, delayMs: 1 });
    assert.equal((await post(`/sessions/${id}/prompt`, { text: 'a very long answer [no-tool]' })).status, 202);
    // Like a real client, the reader resumes with Last-Event-ID if a loaded machine ever drops it too.
    let current = reader;
    let end: SseEvent | undefined;
    for (let attempt = 0; attempt < 5 && !end; attempt++) {
      end = await current.waitFor((e) => e.type === 'agent_end', 'agent_end', 120_000).catch(() => undefined);
      if (!end) current = await stream(id, current.lastId);
    }
    assert.ok(end, 'the reader saw the run end');
    const answer = (end.data.messages as { role: string; content: { type: string; text?: string }[] }[])
      .filter((m) => m.role === 'assistant')
      .at(-1)!;
    assert.equal(answer.content.map((p) => p.text ?? '').join(''), tokens.join(''));
    await waitFor('the stalled client dropped', () => stack.logs.some((l) => l.msg === 'sse-client-dropped-backpressure'), 30_000);
    stalled.resume();
    await waitFor('stalled socket closed', () => stalledClosed, 30_000);
    stalled.destroy();
  });

  it('kill -9 of the agent service mid-run: health degrades, completed turns survive in the JSONL, the session resumes on the next stream', async () => {
    const id = await newSession();
    const c = await stream(id);
    assert.equal((await post(`/sessions/${id}/prompt`, { text: 'completed turn [no-tool]' })).status, 202);
    await c.waitFor((e) => e.type === 'agent_end', 'first run');
    const from = c.events.length;
    llm.enqueue({ text: SLOW, delayMs: 60 });
    assert.equal((await post(`/sessions/${id}/prompt`, { text: 'interrupted turn [no-tool]' })).status, 202);
    await c.waitFor(isTextDelta, 'second run streaming', 20_000, from);
    await stack.kill9('agent');
    const health = await stack.health();
    assert.equal(health.status, 'degraded');
    assert.notEqual(health.services.agent, 'serving');
    await c.waitEnded('agent killed');

    const file = readdirSync(join(stack.dirs.sessions, project.id)).find((f) => f.endsWith(`_${id}.jsonl`))!;
    const lines = readFileSync(join(stack.dirs.sessions, project.id, file), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; message?: { role: string; stopReason?: string } });
    const roles = lines
      .filter((l) => l.type === 'message')
      .map((l) => l.message!.role)
      .filter((r) => r !== 'system');
    assert.deepEqual(roles.slice(0, 3), ['user', 'assistant', 'user'], 'the completed turn and the next question are on disk');

    await healthy();
    const cold = (await (await stack.api(`/api/v1/sessions/${id}`)).json()) as { isLive: boolean };
    assert.equal(cold.isLive, false, 'not in memory after the restart');
    const resumed = await stream(id, c.lastId);
    const snap = await resumed.waitFor(() => true, 'first event after restart');
    assert.equal(snap.type, 'snapshot', 'ids of the killed process mean nothing now');
    const texts = (snap.data.messages as { role: string; content: unknown }[])
      .filter((m) => m.role === 'user')
      .map((m) => JSON.stringify(m.content));
    assert.ok(texts[0]!.includes('completed turn'), texts.join('|'));
    const live = (await (await stack.api(`/api/v1/sessions/${id}`)).json()) as { isLive: boolean };
    assert.equal(live.isLive, true);
    assert.equal((await post(`/sessions/${id}/prompt`, { text: 'after restart [no-tool]' })).status, 202);
    await resumed.waitFor((e) => e.type === 'agent_end', 'run after restart');
  });
});
