// Sessions end to end through the gateway: real agent service, real SDK, real bash, the fake LLM.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ANSWER_TOKENS,
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
import { openStream, streamedText, type SseClient } from './sse-client.js';

const API_KEY = 'test-key-sessions-0123456789abcdef';

describe('sessions', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const clients: SseClient[] = [];

  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, any> });
  const post = (path: string, body: unknown) => stack.api(`/api/v1${path}`, { method: 'POST', json: body });
  const newSession = async () => {
    const { status, body } = await json(await post('/sessions', { projectId: project.id }));
    assert.equal(status, 201, JSON.stringify(body));
    return body;
  };
  const stream = async (id: string, lastEventId?: string) => {
    const c = await openStream(stack.baseUrl, id, API_KEY, lastEventId);
    clients.push(c);
    return c;
  };
  const lastAgentEnd = (c: SseClient, from = 0) => c.waitFor((e) => e.type === 'agent_end', 'agent_end', 20_000, from);

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    // A tiny keep-recent budget so a two-run session has something to compact.
    configureFakeLlm(dirs.piConfig, llm, { compaction: { enabled: false, keepRecentTokens: 1 } });
    project = seedProject(dirs, 'demo', { 'README.md': 'demo project\n' });
    mkdirSync(join(dirs.piConfig, 'prompts'));
    writeFileSync(join(dirs.piConfig, 'prompts', 'greet.md'), '---\ndescription: Greet someone\n---\nPlease greet $1 warmly [no-tool]\n');
    // One archived session past the 7-day keep, one inside it: the agent service purges at start.
    mkdirSync(join(dirs.data, 'archived-sessions'));
    writeFileSync(join(dirs.data, 'archived-sessions', 'old_1.jsonl'), '{}\n');
    writeFileSync(join(dirs.data, 'archived-sessions', 'recent_2.jsonl'), '{}\n');
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600_000);
    utimesSync(join(dirs.data, 'archived-sessions', 'old_1.jsonl'), eightDaysAgo, eightDaysAgo);
    stack = await startStack({ name: 'sessions', dirs, env: { API_KEY } });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.dispose();
    await llm?.close();
  });

  it('full cycle: create, stream snapshot, prompt 202, bash in the project folder, streamed text, same events for two clients', async () => {
    const session = await newSession();
    assert.equal(session.name, 'New session');
    assert.equal(session.isLive, true);
    assert.equal(session.projectId, project.id);
    assert.equal(session.workspacePath, project.path);
    const a = await stream(session.sessionId);
    const b = await stream(session.sessionId);
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('content-type'), 'text/event-stream');
    assert.equal(a.headers.get('x-accel-buffering'), 'no');
    const snap = await a.waitFor((e) => e.type === 'snapshot', 'snapshot');
    assert.equal(a.events[0]!.type, 'snapshot');
    assert.equal(snap.data.sessionId, session.sessionId);
    assert.equal(snap.data.isStreaming, false);
    await b.waitFor((e) => e.type === 'snapshot', 'snapshot b');

    const res = await json(
      await post(`/sessions/${session.sessionId}/prompt`, { text: 'Please run the greeting command in the workspace' }),
    );
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { accepted: true, sessionName: 'Run Greeting Command' });

    await lastAgentEnd(a);
    await lastAgentEnd(b);
    const toolEnd = a.events.find((e) => e.type === 'tool_execution_end')!;
    assert.equal(toolEnd.data.toolName, 'bash');
    const output = JSON.stringify(toolEnd.data.result);
    assert.match(output, /hello-from-tool/);
    assert.ok(output.includes(project.path), `pwd printed the project folder: ${output}`);
    assert.equal(streamedText(a.events), ANSWER_TOKENS.join(''));
    assert.ok(a.events.some((e) => e.type === 'session_renamed' && e.data.name === 'Run Greeting Command'));
    // Same events, same order, same ids for both clients (after their own snapshots).
    const ids = (c: SseClient) => c.events.slice(1).map((e) => `${e.id}:${e.type}`);
    assert.deepEqual(ids(a), ids(b));
    const seqs = a.events.slice(1).map((e) => Number(e.id!.split('-')[1]));
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => seqs[0]! + i),
      'ids are consecutive',
    );
    const order = a
      .types()
      .filter((t) => ['agent_start', 'turn_start', 'tool_execution_start', 'tool_execution_end', 'turn_end', 'agent_end'].includes(t));
    assert.deepEqual(order, [
      'agent_start',
      'turn_start',
      'tool_execution_start',
      'tool_execution_end',
      'turn_end',
      'turn_start',
      'turn_end',
      'agent_end',
    ]);

    const msgs = await json(await stack.api(`/api/v1/sessions/${session.sessionId}/messages`));
    const roles = (msgs.body.messages as { role: string }[]).map((m) => m.role).filter((r) => r !== 'system');
    assert.deepEqual(roles, ['user', 'assistant', 'toolResult', 'assistant']);
    const files = readdirSync(join(stack.dirs.sessions, project.id));
    assert.ok(
      files.some((f) => f.endsWith(`_${session.sessionId}.jsonl`)),
      files.join(','),
    );
    const got = await json(await stack.api(`/api/v1/sessions/${session.sessionId}`));
    assert.equal(got.body.name, 'Run Greeting Command');
    assert.equal(got.body.isStreaming, false);
    assert.equal(got.body.modelProvider, 'fake');
    assert.equal(got.body.messageCount, 4);
    assert.ok((await stack.health()).activeSessions >= 1, 'health counts live sessions');
  });

  it('searches across session files: user and assistant text and tool-call arguments', async () => {
    const res = await json(await stack.api('/api/v1/search/sessions?q=HELLO-FROM-TOOL'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.engine, 'node');
    const hit = (
      res.body.results as {
        sessionId: string;
        projectName: string;
        sessionName?: string;
        matches: { kind: string; snippet: string; matchOffset: number; matchLength: number }[];
      }[]
    )[0]!;
    assert.equal(hit.projectName, 'demo');
    assert.equal(hit.sessionName, 'Run Greeting Command');
    assert.deepEqual(hit.matches.map((m) => m.kind).sort(), ['assistant', 'tool_call']);
    // The public shape, key for key (the proto's optional fields are left out only when unset).
    assert.deepEqual(Object.keys(hit).sort(), ['matches', 'modifiedAt', 'projectId', 'projectName', 'sessionId', 'sessionName']);
    for (const m of hit.matches)
      assert.deepEqual(Object.keys(m).sort(), ['kind', 'matchLength', 'matchOffset', 'messageEnvelopeId', 'messageIndex', 'snippet']);
    for (const m of hit.matches)
      assert.equal(m.snippet.slice(m.matchOffset, m.matchOffset + m.matchLength).toLowerCase(), 'hello-from-tool');
    const none = await json(await stack.api('/api/v1/search/sessions?q=no-such-text-anywhere'));
    assert.deepEqual([none.body.results, none.body.truncated], [[], false]);
    const limited = await json(await stack.api('/api/v1/search/sessions?q=greeting&sessionLimit=0&matchesPerSession=999'));
    assert.equal(limited.status, 200, 'limits are clamped, not refused');
    assert.equal((await json(await stack.api('/api/v1/search/sessions'))).status, 400);
    assert.equal((await json(await stack.api(`/api/v1/search/sessions?q=${'x'.repeat(257)}`))).status, 400);
  });

  it('rejects bad input with 4xx {error, message} and changes nothing', async () => {
    const sessionFiles = () =>
      existsSync(stack.dirs.sessions)
        ? readdirSync(stack.dirs.sessions, { recursive: true })
            .map(String)
            .filter((f) => f.endsWith('.jsonl'))
            .sort()
        : [];
    const before = sessionFiles();
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/sessions', {}, 400, 'validation_failed'],
      ['POST', '/sessions', { projectId: 'no-such-project' }, 404, 'project_not_found'],
      ['POST', '/sessions/no-such-session/prompt', { text: 'hi' }, 404, 'session_not_found'],
      ['POST', '/sessions/no-such-session/steer', { text: 'hi' }, 404, 'session_not_found'],
      ['POST', '/sessions/no-such-session/abort', {}, 404, 'session_not_found'],
      ['POST', '/sessions/no-such-session/model', { provider: 'fake', modelId: 'fake-model' }, 404, 'session_not_found'],
      ['POST', '/sessions/no-such-session/fork', { entryId: 'x' }, 404, 'session_not_found'],
    ];
    for (const [method, path, body, status, error] of cases) {
      const res = await json(await stack.api(`/api/v1${path}`, { method, json: body }));
      assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, error, `${method} ${path}`);
      assert.equal(typeof res.body.message, 'string');
    }
    for (const path of [
      '/sessions/no-such-session',
      '/sessions/no-such-session/messages',
      '/sessions/no-such-session/tree',
      '/sessions/no-such-session/stream',
      '/sessions/no-such-session/export?format=jsonl',
    ]) {
      const res = await json(await stack.api(`/api/v1${path}`));
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error, 'session_not_found', path);
    }
    const session = await newSession();
    const id = session.sessionId;
    const bad: Array<[string, unknown, string]> = [
      [`/sessions/${id}/prompt`, {}, 'missing_text'],
      [`/sessions/${id}/prompt`, { text: '' }, 'invalid_body'],
      [`/sessions/${id}/prompt`, { text: 'x', streamingBehavior: 'now' }, 'invalid_body'],
      [`/sessions/${id}/prompt`, ['x'], 'invalid_body'],
      [`/sessions/${id}/prompt`, { text: 42 }, 'invalid_body'],
      [`/sessions/${id}/steer`, { text: '' }, 'validation_failed'],
      [`/sessions/${id}/model`, { provider: 'nope', modelId: 'x' }, 'unknown_provider'],
      [`/sessions/${id}/model`, { provider: 'fake', modelId: 'nope' }, 'unknown_model'],
      [`/sessions/${id}/model`, { provider: '' }, 'validation_failed'],
      [`/sessions/${id}/thinking-level`, { level: 'ultra' }, 'validation_failed'],
      [`/sessions/${id}/fork`, { entryId: 'nope' }, 'fork_failed'],
    ];
    for (const [path, body, error] of bad) {
      const res = await json(await post(path, body));
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, error, `${path} ${JSON.stringify(body)}`);
    }
    const exp = await json(await stack.api(`/api/v1/sessions/${id}/export?format=pdf`));
    assert.equal(exp.status, 400);
    assert.equal(llm.requests.filter((r) => r.lastUserText === 'x').length, 0, 'no bad prompt reached the model');
    assert.deepEqual(sessionFiles(), before, 'no session file was written');
  });

  it('abort mid-stream ends the run with stopReason aborted; abort is idempotent', async () => {
    const session = await newSession();
    const c = await stream(session.sessionId);
    llm.enqueue({ text: Array.from({ length: 60 }, (_, i) => `tok${i} `), delayMs: 50 });
    assert.equal((await post(`/sessions/${session.sessionId}/prompt`, { text: 'long answer [no-tool]' })).status, 202);
    await c.waitFor(
      (e) => e.type === 'message_update' && (e.data.assistantMessageEvent as { type: string }).type === 'text_delta',
      'first text delta',
    );
    const busy = await json(await post(`/sessions/${session.sessionId}/prompt`, { text: 'again' }));
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error, 'session_busy');
    assert.equal((await post(`/sessions/${session.sessionId}/abort`, {})).status, 204);
    const end = await lastAgentEnd(c);
    const messages = end.data.messages as { role: string; stopReason?: string }[];
    assert.equal(messages.at(-1)?.stopReason, 'aborted');
    assert.ok(streamedText(c.events).length < 60 * 5, 'the stream stopped early');
    assert.equal((await post(`/sessions/${session.sessionId}/abort`, {})).status, 204);
    const got = await json(await stack.api(`/api/v1/sessions/${session.sessionId}`));
    assert.equal(got.body.isStreaming, false);
  });

  it('steer during a tool call is delivered after the tool result, before the next model call', async () => {
    const session = await newSession();
    const c = await stream(session.sessionId);
    llm.reset();
    // Long enough that the steer lands while the tool still runs, even on a loaded machine.
    llm.enqueue({ tool: { name: 'bash', args: { command: 'sleep 3; echo slept' } } });
    assert.equal((await post(`/sessions/${session.sessionId}/prompt`, { text: 'run the slow command' })).status, 202);
    await c.waitFor((e) => e.type === 'tool_execution_start', 'tool start');
    assert.equal((await post(`/sessions/${session.sessionId}/steer`, { text: 'steer-now [no-tool]' })).status, 202);
    await c.waitFor((e) => e.type === 'queue_update' && (e.data.steering as string[]).length === 1, 'queue_update with the steer');
    await lastAgentEnd(c);
    assert.equal(llm.requests.length, 2);
    assert.deepEqual(llm.requests[1]!.roles.slice(-3), ['assistant', 'tool', 'user']);
    assert.equal(llm.requests[1]!.lastUserText, 'steer-now [no-tool]');
  });

  it('follow-up runs after the current answer in the same run', async () => {
    const session = await newSession();
    const c = await stream(session.sessionId);
    llm.reset();
    llm.enqueue({ text: PLAIN_TOKENS, delayMs: 400 });
    assert.equal((await post(`/sessions/${session.sessionId}/prompt`, { text: 'first [no-tool]' })).status, 202);
    await c.waitFor((e) => e.type === 'agent_start', 'agent_start');
    assert.equal((await post(`/sessions/${session.sessionId}/steer`, { text: 'second [no-tool]', mode: 'followUp' })).status, 202);
    await c.waitFor((e) => e.type === 'queue_update' && (e.data.followUp as string[]).length === 1, 'queue_update with the follow-up');
    await lastAgentEnd(c);
    await llm.waitForRequests(2);
    assert.equal(llm.requests[1]!.lastUserText, 'second [no-tool]');
    assert.equal(c.events.filter((e) => e.type === 'agent_start').length, 1);
  });

  it('per-session model and thinking level leave settings.json unchanged', async () => {
    const settingsPath = join(stack.dirs.piConfig, 'settings.json');
    const before = readFileSync(settingsPath, 'utf8');
    const session = await newSession();
    const c = await stream(session.sessionId);
    const model = await json(await post(`/sessions/${session.sessionId}/model`, { provider: 'fake', modelId: 'fake-model-2' }));
    assert.deepEqual([model.status, model.body], [200, { provider: 'fake', modelId: 'fake-model-2' }]);
    const level = await json(await post(`/sessions/${session.sessionId}/thinking-level`, { level: 'high' }));
    assert.deepEqual([level.status, level.body], [200, { level: 'off' }], 'clamped: the fake model has no reasoning');
    llm.reset();
    assert.equal((await post(`/sessions/${session.sessionId}/prompt`, { text: 'which model [no-tool]' })).status, 202);
    await lastAgentEnd(c);
    assert.equal(llm.requests[0]!.model, 'fake-model-2');
    assert.equal(readFileSync(settingsPath, 'utf8'), before);
    const got = await json(await stack.api(`/api/v1/sessions/${session.sessionId}`));
    assert.equal(got.body.modelId, 'fake-model-2');
    const other = await newSession();
    assert.equal(other.modelId, 'fake-model', 'other sessions keep the default');
  });

  it('the Anthropic messages protocol works end to end (tool call, bash, streamed answer)', async () => {
    const session = await newSession();
    const c = await stream(session.sessionId);
    const model = await json(await post(`/sessions/${session.sessionId}/model`, { provider: 'fake-anthropic', modelId: 'fake-model' }));
    assert.equal(model.status, 200, JSON.stringify(model.body));
    llm.reset();
    assert.equal((await post(`/sessions/${session.sessionId}/prompt`, { text: 'greet via anthropic' })).status, 202);
    const end = await lastAgentEnd(c);
    assert.equal(end.data.errorMessage, undefined);
    assert.deepEqual(
      llm.requests.map((r) => [r.protocol, r.path]),
      [
        ['anthropic', '/v1/messages'],
        ['anthropic', '/v1/messages'],
      ],
    );
    assert.equal(llm.requests[0]!.auth, 'sk-fake-key');
    assert.ok(llm.requests[1]!.lastIsToolResult);
    assert.match(JSON.stringify(c.events.find((e) => e.type === 'tool_execution_end')!.data.result), /hello-from-tool/);
    assert.equal(streamedText(c.events), ANSWER_TOKENS.join(''));
  });

  it('a /template prompt is expanded from PI_CONFIG_DIR/prompts before it reaches the model', async () => {
    const session = await newSession();
    const c = await stream(session.sessionId);
    llm.reset();
    assert.equal((await post(`/sessions/${session.sessionId}/prompt`, { text: '/greet world' })).status, 202);
    await lastAgentEnd(c);
    assert.equal(llm.requests[0]!.lastUserText, 'Please greet world warmly [no-tool]');
  });

  it('tree, fork at an entry, export as jsonl and markdown', async () => {
    const session = await newSession();
    const c = await stream(session.sessionId);
    assert.equal((await post(`/sessions/${session.sessionId}/prompt`, { text: 'first question [no-tool]' })).status, 202);
    await lastAgentEnd(c);
    const from = c.events.length;
    assert.equal((await post(`/sessions/${session.sessionId}/prompt`, { text: 'second question [no-tool]' })).status, 202);
    await lastAgentEnd(c, from);

    const tree = await json(await stack.api(`/api/v1/sessions/${session.sessionId}/tree`));
    assert.equal(tree.status, 200);
    const entries = tree.body.entries as { id: string; type: string; role?: string; preview?: string; parentId: string | null }[];
    const users = entries.filter((e) => e.role === 'user');
    assert.deepEqual(
      users.map((u) => u.preview),
      ['first question [no-tool]', 'second question [no-tool]'],
    );
    assert.equal(tree.body.leafId, entries.at(-1)!.id);
    assert.deepEqual(
      tree.body.branchIds,
      entries.map((e) => e.id),
      'one branch: every entry is on it',
    );
    const firstAnswer = entries[entries.indexOf(users[0]!) + 1]!;

    const fork = await json(await post(`/sessions/${session.sessionId}/fork`, { entryId: firstAnswer.id }));
    assert.equal(fork.status, 201, JSON.stringify(fork.body));
    assert.equal(fork.body.name, 'First Question No-tool (clone)');
    assert.notEqual(fork.body.sessionId, session.sessionId);
    const forkTree = await json(await stack.api(`/api/v1/sessions/${fork.body.sessionId}/tree`));
    const forkUsers = (forkTree.body.entries as { role?: string; preview?: string }[]).filter((e) => e.role === 'user');
    assert.deepEqual(
      forkUsers.map((u) => u.preview),
      ['first question [no-tool]'],
    );
    const sourceTree = await json(await stack.api(`/api/v1/sessions/${session.sessionId}/tree`));
    assert.equal(sourceTree.body.leafId, tree.body.leafId, 'the source is untouched');

    const jsonl = await stack.api(`/api/v1/sessions/${session.sessionId}/export?format=jsonl`);
    assert.equal(jsonl.status, 200);
    assert.equal(jsonl.headers.get('content-type'), 'application/x-ndjson');
    assert.match(
      jsonl.headers.get('content-disposition') ?? '',
      /^attachment; filename="first-question-no-tool-\d{4}-\d{2}-\d{2}\.jsonl"$/,
    );
    const lines = (await jsonl.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; id: string });
    assert.equal(lines[0]!.type, 'session');
    assert.equal(lines[0]!.id, session.sessionId);
    const md = await stack.api(`/api/v1/sessions/${session.sessionId}/export?format=markdown`);
    assert.equal(md.headers.get('content-type'), 'text/markdown; charset=utf-8');
    const text = await md.text();
    assert.match(text, /^# First Question No-tool\n/);
    assert.ok(text.includes('## User\n\nsecond question [no-tool]'), text);
    assert.ok(text.includes(`## Assistant\n\n${PLAIN_TOKENS.join('')}`), text);
  });

  it('lists live and on-disk sessions, renames, deletes into the archive', async () => {
    const session = await newSession();
    const list = await json(await stack.api(`/api/v1/sessions?projectId=${project.id}`));
    assert.equal(list.status, 200);
    const ids = (list.body.sessions as { sessionId: string }[]).map((s) => s.sessionId);
    assert.ok(ids.includes(session.sessionId));
    const times = (list.body.sessions as { lastActivityAt: string }[]).map((s) => s.lastActivityAt);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    const all = await json(await stack.api('/api/v1/sessions'));
    assert.equal((all.body.sessions as unknown[]).length, ids.length);
    assert.equal((await json(await stack.api('/api/v1/sessions?projectId=nope'))).status, 404);

    const renamed = await json(await post(`/sessions/${session.sessionId}/name`, { name: 'My session' }));
    assert.deepEqual([renamed.status, renamed.body.name], [200, 'My session']);

    const withFile = (list.body.sessions as { sessionId: string; path?: string }[]).find((s) => s.path)!;
    assert.ok(withFile, 'an earlier test left a session on disk');
    assert.equal((await stack.api(`/api/v1/sessions/${withFile.sessionId}`, { method: 'DELETE' })).status, 204);
    assert.equal((await json(await stack.api(`/api/v1/sessions/${withFile.sessionId}`))).status, 404);
    assert.ok(!existsSync(withFile.path!));
    const archived = readdirSync(join(stack.dirs.data, 'archived-sessions'));
    assert.ok(archived.some((f) => f.endsWith(`_${withFile.sessionId}.jsonl`)));
    assert.ok(archived.includes('recent_2.jsonl') && !archived.includes('old_1.jsonl'), `archive purged at start: ${archived.join(',')}`);
    assert.equal((await stack.api(`/api/v1/sessions/${withFile.sessionId}`, { method: 'DELETE' })).status, 404);

    // Deleting a live session ends its streams, and for a moment its id answers 410.
    const follower = await stream(session.sessionId);
    await follower.waitFor((e) => e.type === 'snapshot', 'snapshot');
    assert.equal((await stack.api(`/api/v1/sessions/${session.sessionId}`, { method: 'DELETE' })).status, 204);
    await follower.waitEnded('session deleted');
    const gone = await json(await stack.api(`/api/v1/sessions/${session.sessionId}/stream`));
    assert.deepEqual([gone.status, gone.body.error], [410, 'session_tombstoned']);
  });

  it('multipart attachments and @path references reach the model; bad attachments are refused', async () => {
    const session = await newSession();
    const c = await stream(session.sessionId);
    llm.reset();
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
    writeFileSync(join(stack.dirs.workspace, 'outside.txt'), 'not for the model\n');
    const form = new FormData();
    form.append('text', 'summarize @README.md and @../outside.txt [no-tool]');
    form.append('attachments', new Blob([png], { type: 'image/png' }), 'dot.png');
    form.append('attachments', new Blob(['has ``` inside\n'], { type: 'text/plain' }), 'notes.txt');
    const res = await stack.api(`/api/v1/sessions/${session.sessionId}/prompt`, { method: 'POST', body: form });
    assert.equal(res.status, 202, await res.clone().text());
    await lastAgentEnd(c);
    const user = (
      llm.requests[0]!.body.messages as { role: string; content: { type: string; text?: string; image_url?: { url: string } }[] }[]
    )
      .filter((m) => m.role === 'user')
      .at(-1)!;
    const text = user.content
      .filter((p) => p.type === 'text')
      .map((p) => p.text)
      .join('');
    assert.ok(text.includes('````txt file: notes.txt\nhas ``` inside\n\n````'), text);
    assert.ok(text.includes('```md file: README.md\ndemo project\n```'), text);
    assert.ok(text.includes('[@../outside.txt not included: outside the project]'), text);
    assert.ok(text.indexOf('notes.txt') < text.indexOf('summarize'), 'attachments come before the typed text');
    assert.ok(
      user.content.some((p) => p.type === 'image_url' && p.image_url!.url.startsWith('data:image/png;base64,')),
      'the image went to the model',
    );

    const refuse = async (build: (f: FormData) => void, error: string) => {
      const f = new FormData();
      build(f);
      const r = await stack.api(`/api/v1/sessions/${session.sessionId}/prompt`, { method: 'POST', body: f });
      const body = (await r.json()) as { error: string };
      assert.deepEqual([r.status, body.error], [400, error]);
    };
    await refuse((f) => f.append('attachments', new Blob(['x'], { type: 'text/plain' }), 'a.txt'), 'missing_text');
    await refuse((f) => {
      f.append('text', 'five images');
      for (let i = 0; i < 5; i++) f.append('attachments', new Blob([png], { type: 'image/png' }), `${i}.png`);
    }, 'too_many_images');
    await refuse((f) => {
      f.append('text', 'a binary');
      f.append('attachments', new Blob([Buffer.from('\x7fELF\0binary')], { type: 'application/octet-stream' }), 'tool.bin');
    }, 'unsupported_attachment_type');
    await refuse((f) => {
      f.append('text', 'a broken pdf');
      f.append('attachments', new Blob([Buffer.from('%PDF-1.4\0binary')], { type: 'application/pdf' }), 'doc.pdf');
    }, 'conversion_failed');
    assert.equal(llm.requests.length, 1, 'refused prompts never reached the model');
  });

  it('exec (! and !!) runs in the project folder; !! stays out of the model context', async () => {
    const session = await newSession();
    const id = session.sessionId;
    const ran = await json(await post(`/sessions/${id}/exec`, { command: 'echo exec-$((6*7)) && pwd' }));
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
    assert.equal(ran.body.exitCode, 0);
    assert.match(ran.body.output, /exec-42/);
    assert.ok(ran.body.output.includes(project.path));
    assert.equal(ran.body.cancelled, false);
    assert.equal(typeof ran.body.durationMs, 'number');
    const hidden = await json(await post(`/sessions/${id}/exec`, { command: 'echo hidden-$((7*7)); exit 3', excludeFromContext: true }));
    assert.deepEqual([hidden.body.exitCode, hidden.body.output.trim()], [3, 'hidden-49']);
    for (const bad of [{ command: '' }, { command: 'x'.repeat(4097) }, { command: 'ls', excludeFromContext: 'yes' }]) {
      assert.equal((await post(`/sessions/${id}/exec`, bad)).status, 400, JSON.stringify(bad).slice(0, 60));
    }
    const c = await stream(id);
    llm.reset();
    assert.equal((await post(`/sessions/${id}/prompt`, { text: 'what ran [no-tool]' })).status, 202);
    await lastAgentEnd(c);
    const sent = JSON.stringify(llm.requests[0]!.body.messages);
    assert.ok(sent.includes('exec-42'), 'the ! result is context');
    assert.ok(!sent.includes('hidden-49'), 'the !! result is not');
  });

  it('context, turn diff, navigate and compact', async () => {
    const session = await newSession();
    const id = session.sessionId;
    const c = await stream(id);
    llm.enqueue({ tool: { name: 'write', args: { path: 'notes/new.txt', content: 'alpha\nbeta\n' } } });
    assert.equal((await post(`/sessions/${id}/prompt`, { text: 'write a file' })).status, 202);
    await lastAgentEnd(c);
    assert.equal(readFileSync(join(project.path, 'notes', 'new.txt'), 'utf8'), 'alpha\nbeta\n');
    let diff = await json(await stack.api(`/api/v1/sessions/${id}/turn-diff`));
    assert.equal(diff.status, 200);
    assert.deepEqual(
      diff.body.entries.map((e: Record<string, unknown>) => [e.file, e.tool, e.additions, e.deletions, e.isPureAddition]),
      [['notes/new.txt', 'write', 2, 0, true]],
    );

    const from = c.events.length;
    llm.enqueue({ tool: { name: 'edit', args: { path: 'notes/new.txt', edits: [{ oldText: 'beta', newText: 'gamma' }] } } });
    assert.equal((await post(`/sessions/${id}/prompt`, { text: 'edit the file' })).status, 202);
    await lastAgentEnd(c, from);
    assert.equal(readFileSync(join(project.path, 'notes', 'new.txt'), 'utf8'), 'alpha\ngamma\n');
    diff = await json(await stack.api(`/api/v1/sessions/${id}/turn-diff`));
    assert.deepEqual(
      diff.body.entries.map((e: Record<string, unknown>) => [e.file, e.tool, e.additions, e.deletions]),
      [['notes/new.txt', 'edit', 1, 1]],
      'only the latest run',
    );
    assert.match(diff.body.entries[0].diff, /-beta\n\+gamma/);

    const ctx = await json(await stack.api(`/api/v1/sessions/${id}/context`));
    assert.equal(ctx.status, 200);
    assert.equal(ctx.body.turns.length, 4, 'two runs of tool call + answer');
    assert.equal(ctx.body.totalInputTokens, 4 * 42);
    assert.equal(ctx.body.totalOutputTokens, 4 * 7);
    assert.equal(ctx.body.turns[0].model, 'fake-model');
    assert.equal(ctx.body.contextUsage.contextWindow, 32000);

    const tree = await json(await stack.api(`/api/v1/sessions/${id}/tree`));
    const users = (tree.body.entries as { id: string; role?: string }[]).filter((e) => e.role === 'user');
    const nav = await json(await post(`/sessions/${id}/navigate`, { entryId: users[1]!.id }));
    assert.equal(nav.status, 200, JSON.stringify(nav.body));
    assert.equal(nav.body.cancelled, false);
    assert.equal(nav.body.editorText, 'edit the file');
    const after = await json(await stack.api(`/api/v1/sessions/${id}/tree`));
    assert.notEqual(after.body.leafId, tree.body.leafId);
    assert.ok(!(after.body.branchIds as string[]).includes(users[1]!.id), 'the navigated-to user message is off the active branch');
    assert.equal((after.body.entries as unknown[]).length >= (tree.body.entries as unknown[]).length, true, 'nothing is deleted');
    const badNav = await json(await post(`/sessions/${id}/navigate`, { entryId: 'nope' }));
    assert.deepEqual([badNav.status, badNav.body.error], [400, 'entry_not_found']);

    llm.enqueue({ text: ['Summary: ', 'a file was written.'] });
    const compact = await json(await post(`/sessions/${id}/compact`, {}));
    assert.equal(compact.status, 200, JSON.stringify(compact.body));
    assert.match(compact.body.summary, /Summary: a file was written\./);
    assert.ok(compact.body.tokensBefore > 0);
    await c.waitFor((e) => e.type === 'compaction_end' && e.data.reason === 'manual', 'compaction_end on the stream');
    const history = await json(await stack.api(`/api/v1/sessions/${id}/compactions`));
    assert.equal(history.status, 200);
    assert.equal(history.body.compactions.length, 1);
    assert.match(history.body.compactions[0].summary, /a file was written/);
    const archivedRoles = (history.body.compactions[0].archivedMessages as { role: string }[]).map((m) => m.role);
    assert.ok(archivedRoles.includes('user'), `archived: ${archivedRoles.join(',')}`);
    assert.equal((await json(await stack.api('/api/v1/sessions/nope/compactions'))).status, 404);
    const small = await json(await post(`/sessions/${(await newSession()).sessionId}/compact`, {}));
    assert.deepEqual([small.status, small.body.error], [400, 'nothing_to_compact']);
  });

  it('a provider failure (HTTP 500 or a dropped connection) ends the run with agent_end errorMessage', async () => {
    const session = await newSession();
    const c = await stream(session.sessionId);
    llm.reset();
    llm.enqueue({ error: 500, message: 'fake-llm exploded' });
    assert.equal((await post(`/sessions/${session.sessionId}/prompt`, { text: 'fail please [no-tool]' })).status, 202);
    const end = await lastAgentEnd(c, 0);
    assert.match(String(end.data.errorMessage), /500|exploded/);
    const from = c.events.length;
    llm.enqueue({ drop: ['partial ', 'answer '] });
    assert.equal((await post(`/sessions/${session.sessionId}/prompt`, { text: 'drop please [no-tool]' })).status, 202);
    const dropped = await lastAgentEnd(c, from);
    assert.equal(typeof dropped.data.errorMessage, 'string');
    assert.ok((dropped.data.errorMessage as string).length > 0);
  });
});
