// pi extensions, sub-agent children, the system-prompt addenda, the SSE `partial`, and export,
// through the gateway against the real agent service and SDK (docs/compatibility.md#sessions,
// S18, S22, S25, P7). The extension is a real file in PI_CONFIG_DIR/extensions; `spawn_child`
// stands in for pi-subagents by writing a child session where pi-subagents writes them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ANSWER_TOKENS,
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

const API_KEY = 'test-key-agent-extensions-0123456789';
const ADDENDUM = 'Project rule ADDENDUM-MARKER-42: answer like a pirate.';

const EXTENSION = `
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Type } from '@earendil-works/pi-ai';

export default function (pi) {
  pi.registerTool({
    name: 'spawn_child',
    label: 'Spawn child',
    description: 'Runs a task in a sub-agent session.',
    parameters: Type.Object({ task: Type.String() }),
    async execute(_toolCallId, params, _signal, _onUpdate, ctx) {
      const parentFile = ctx.sessionManager.getSessionFile();
      const now = new Date().toISOString();
      const header = existsSync(parentFile) ? JSON.parse(readFileSync(parentFile, 'utf8').split('\\n')[0]) : { type: 'session', version: 3, cwd: ctx.cwd };
      const id = randomUUID();
      const dir = join(parentFile.replace(/\\.jsonl$/, ''), 'run-1');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, now.replace(/[:.]/g, '-') + '_' + id + '.jsonl');
      const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } };
      const lines = [
        { ...header, id, timestamp: now, parentSession: parentFile },
        { type: 'message', id: 'c0000001', parentId: null, timestamp: now, message: { role: 'user', content: [{ type: 'text', text: params.task }], timestamp: Date.now() } },
        { type: 'message', id: 'c0000002', parentId: 'c0000001', timestamp: now, message: { role: 'assistant', content: [{ type: 'text', text: 'child finished: ' + params.task }], api: 'openai-completions', provider: 'fake', model: 'fake-model', usage, stopReason: 'stop', timestamp: Date.now() } },
      ];
      writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\\n') + '\\n');
      return { content: [{ type: 'text', text: 'child ' + id + ' finished' }], details: { sessionId: id, sessionFile: file } };
    },
  });
}
`;

describe('agent extensions, sub-agents, system prompt, export', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const clients: SseClient[] = [];
  // Filled by the first test, used by the later ones (they build on one run).
  let parentId = '';
  let childId = '';
  let toolCallId = '';
  let events: SseClient['events'] = [];

  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, any> });
  const post = (path: string, body: unknown) => stack.api(`/api/v1${path}`, { method: 'POST', json: body });
  const stream = async (id: string) => {
    const c = await openStream(stack.baseUrl, id, API_KEY);
    clients.push(c);
    return c;
  };

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    mkdirSync(join(dirs.piConfig, 'extensions'));
    writeFileSync(join(dirs.piConfig, 'extensions', 'spawn-child.ts'), EXTENSION);
    project = seedProject(dirs, 'demo', { 'README.md': 'demo\n' });
    stack = await startStack({ name: 'agent-extensions', dirs, env: { API_KEY, AGENT_SECRET_HYGIENE_RULE: 'true' } });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.dispose();
    await llm?.close();
  });

  it("a user extension's tool is offered to the model and runs; the system prompt carries the hygiene rule and the project addendum", async () => {
    const put = await stack.api(`/api/v1/projects/${project.id}/system-prompt`, { method: 'PUT', json: { addendum: ADDENDUM } });
    assert.equal(put.status, 200);
    const created = await json(await post('/sessions', { projectId: project.id }));
    assert.equal(created.status, 201);
    parentId = created.body.sessionId;
    const c = await stream(parentId);
    llm.reset();
    llm.enqueue({ tool: { name: 'spawn_child', args: { task: 'count the files' } } });
    assert.equal((await post(`/sessions/${parentId}/prompt`, { text: 'delegate the counting' })).status, 202);
    await c.waitFor((e) => e.type === 'agent_end', 'agent_end', 30_000);
    events = c.events;

    const first = llm.requests[0]!.body as { messages: { role: string; content: unknown }[]; tools?: { function: { name: string } }[] };
    const system = first.messages
      .filter((m) => m.role === 'system' || m.role === 'developer')
      .map((m) => JSON.stringify(m.content))
      .join('\n');
    assert.ok(system.includes('ADDENDUM-MARKER-42'), 'the project addendum is in the system message');
    assert.ok(system.includes('Secret hygiene'), 'the AGENT_SECRET_HYGIENE_RULE text is in the system message');
    assert.ok(system.indexOf('Secret hygiene') < system.indexOf('ADDENDUM-MARKER-42'), 'rule first, then the addendum');
    assert.ok(
      first.tools?.some((t) => t.function.name === 'spawn_child'),
      'the extension tool is offered',
    );
    assert.ok(
      first.tools?.some((t) => t.function.name === 'bash'),
      'the built-ins stay',
    );

    const end = events.find((e) => e.type === 'tool_execution_end')!;
    assert.equal(end.data.toolName, 'spawn_child');
    assert.equal(end.data.isError, false, JSON.stringify(end.data));
    toolCallId = String(end.data.toolCallId);
    childId = String((end.data.result as { details: { sessionId: string } }).details.sessionId);
    assert.ok(llm.requests[1]!.lastIsToolResult, 'the tool result went back to the model');
  });

  it('message_update keeps assistantMessageEvent.partial as the SDK emits it (docs/compatibility.md#sse-streams)', () => {
    const deltas = events.filter(
      (e) => e.type === 'message_update' && (e.data.assistantMessageEvent as { type: string }).type === 'text_delta',
    );
    assert.ok(deltas.length >= ANSWER_TOKENS.length);
    const last = deltas.at(-1)!.data as {
      message: unknown;
      assistantMessageEvent: { delta: string; partial: { role: string; content: { text?: string }[] } };
    };
    assert.equal(last.assistantMessageEvent.partial.role, 'assistant');
    assert.equal(last.assistantMessageEvent.partial.content.map((p) => p.text ?? '').join(''), ANSWER_TOKENS.join(''));
    assert.deepEqual(last.assistantMessageEvent.partial, last.message);
  });

  it('the sub-agent child is listed under its parent and streams from its own file', async () => {
    const list = await json(await stack.api(`/api/v1/sessions?projectId=${project.id}`));
    assert.equal(list.status, 200);
    const child = (list.body.sessions as Record<string, unknown>[]).find((s) => s.sessionId === childId);
    assert.ok(child, JSON.stringify(list.body));
    assert.equal(child.parentSessionId, parentId);
    assert.equal(child.runId, 'run-1');
    assert.equal((list.body.sessions as Record<string, unknown>[]).find((s) => s.sessionId === parentId)?.parentSessionId, undefined);
    const c = await stream(childId);
    const snapshot = await c.waitFor((e) => e.type === 'snapshot', 'child snapshot', 20_000);
    const texts = JSON.stringify(snapshot.data.messages);
    assert.ok(texts.includes('count the files') && texts.includes('child finished: count the files'), texts);
    const one = await json(await stack.api(`/api/v1/sessions/${childId}`));
    assert.equal(one.body.parentSessionId, parentId);
  });

  it('export jsonl: the parent file byte for byte, the child inlined after its tool result between markers', async () => {
    const dir = join(stack.dirs.sessions, project.id);
    const parentFile = readdirSync(dir).find((f) => f.endsWith(`_${parentId}.jsonl`))!;
    const parentText = readFileSync(join(dir, parentFile), 'utf8');
    const childDir = join(dir, parentFile.replace(/\.jsonl$/, ''), 'run-1');
    const childText = readFileSync(join(childDir, readdirSync(childDir)[0]!), 'utf8');

    const res = await stack.api(`/api/v1/sessions/${parentId}/export?format=jsonl`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="delegate-counting-\d{4}-\d{2}-\d{2}\.jsonl"$/);
    const text = await res.text();
    const start = text.indexOf('{"type":"subagent_inline_start"');
    const end = text.indexOf('{"type":"subagent_inline_end"');
    assert.ok(start > 0 && end > start, text);
    const startLine = JSON.parse(text.slice(start, text.indexOf('\n', start))) as Record<string, unknown>;
    assert.deepEqual(
      { ...startLine, name: undefined },
      { type: 'subagent_inline_start', sessionId: childId, parentSessionId: parentId, parentToolCallId: toolCallId, name: undefined },
    );
    const afterStart = text.indexOf('\n', start) + 1;
    assert.equal(text.slice(afterStart, end), childText, 'the child file byte for byte');
    const afterEnd = text.indexOf('\n', end) + 1;
    assert.equal(text.slice(0, start) + text.slice(afterEnd), parentText, 'without the inlined block it is the parent file byte for byte');
    const before = text.slice(0, start).trimEnd().split('\n').at(-1)!;
    assert.equal(
      (JSON.parse(before) as { message: { role: string; toolCallId: string } }).message.toolCallId,
      toolCallId,
      'inlined right after the tool result',
    );
  });

  it('export markdown: title, project, model, a heading per user turn, tool calls, a truncated result with the note, the child inlined', async () => {
    const c = clients[0]!;
    const from = c.events.length;
    llm.enqueue({ tool: { name: 'bash', args: { command: "head -c 5000 /dev/zero | tr '\\\\0' x" } } });
    assert.equal((await post(`/sessions/${parentId}/prompt`, { text: 'print a long line' })).status, 202);
    await c.waitFor((e) => e.type === 'agent_end', 'agent_end', 30_000, from);

    const res = await stack.api(`/api/v1/sessions/${parentId}/export?format=markdown`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/markdown; charset=utf-8');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="delegate-counting-\d{4}-\d{2}-\d{2}\.md"$/);
    const md = await res.text();
    assert.match(md, /^# Delegate Counting\n\n- \*\*Project:\*\* demo \(`[0-9a-f-]+`\)\n- \*\*Model:\*\* fake\/fake-model\n/i);
    assert.equal(md.match(/^## User$/gm)?.length, 2, md);
    assert.ok(md.includes('### Tool call: `spawn_child`') && md.includes('### Tool call: `bash`'), md);
    assert.ok(md.includes('*Output truncated: showing the first 2000 of 5000 characters; the JSONL export has it all.*'), md);
    assert.ok(!md.includes('x'.repeat(2001)));
    const start = md.indexOf(`<!-- subagent_inline_start sessionId=${childId} parentToolCallId=${toolCallId} -->`);
    const end = md.indexOf(`<!-- subagent_inline_end sessionId=${childId} parentToolCallId=${toolCallId} -->`);
    assert.ok(start > 0 && end > start, md);
    assert.ok(md.slice(start, end).includes('child finished: count the files'));
    assert.ok(md.indexOf('print a long line') > end, 'the child sits inside the first turn');
  });

  it('export refuses a bad format and an unknown session', async () => {
    const bad = await stack.api(`/api/v1/sessions/${parentId}/export?format=pdf`);
    assert.equal(bad.status, 400);
    const missing = await stack.api('/api/v1/sessions/00000000-0000-0000-0000-000000000000/export?format=jsonl');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: string }).error, 'session_not_found');
  });
});
