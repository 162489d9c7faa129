import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { FakeAgentSdk, recordingLogger, type FakeSession } from '../testing/fake-agent-sdk.js';
import { rejectsWith } from '../testing/forge-error-code.js';
import { SystemPromptAddenda } from '../system-prompt/system-prompt-addenda.js';
import { LiveSessions } from './live-sessions.js';
import { SessionFiles } from './session-files.js';
import { SessionRegistry } from './session-registry.js';
import { ForgeTools } from '../forge-tools/forge-tools.js';
import { SessionEventBus } from './session-event-bus.js';

const CHILD_ID = 'c0ffee00-1111-2222-3333-444455556666';
const PARENT_ID = 'abcdef00-1111-2222-3333-444455556666';

describe('SessionRegistry', () => {
  let root: string;
  let sdk: FakeAgentSdk;
  let registry: SessionRegistry;
  let config: ForgeConfig;
  let forgeTools: ForgeTools;
  let bus: SessionEventBus;
  const logger = recordingLogger();

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'agent-registry-'));
    mkdirSync(join(root, 'project'));
    config = {
      SESSION_DIR: join(root, 'sessions'),
      FORGE_DATA_DIR: join(root, 'data'),
      AGENT_SECRET_HYGIENE_RULE: false,
    } as unknown as ForgeConfig;
    sdk = new FakeAgentSdk();
    const addenda = new SystemPromptAddenda(config, logger, { addendum: async (id) => (id === 'p1' ? 'Project rule.' : '') });
    registry = new SessionRegistry(
      logger,
      sdk,
      new LiveSessions(),
      new SessionFiles(config, logger, sdk),
      addenda,
      (forgeTools = new ForgeTools()),
      (bus = new SessionEventBus()),
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const session = (i = 0) => sdk.built[i]!.session;
  const logged = (s: FakeSession) =>
    registry
      .live(s.sessionId)
      .log.since(`${registry.live(s.sessionId).log.epoch}-0`)!
      .map((e) => JSON.parse(e.json) as { type: string; [k: string]: unknown });

  it('names new sessions "New session", "New session (2)" and appends the project addendum to the system prompt', async () => {
    await registry.create({ id: 'p1', path: join(root, 'project') });
    await registry.create({ id: 'p1', path: join(root, 'project') });
    assert.deepEqual(
      sdk.built.map((b) => b.session.sessionName),
      ['New session', 'New session (2)'],
    );
    assert.deepEqual(sdk.built[0]!.options.appendSystemPrompt, ['Project rule.']);
    assert.equal(registry.size, 2);
  });

  it('refuses a project folder that does not exist', async () => {
    await rejectsWith(registry.create({ id: 'p1', path: join(root, 'missing') }), 'project_not_found');
  });

  it('resumes a session file once even when asked twice at the same time, and finds children with their parent', async () => {
    const dir = join(config.SESSION_DIR, 'p1');
    mkdirSync(join(dir, `2026-01-01_${PARENT_ID}`, 'run-1'), { recursive: true });
    writeFileSync(join(dir, `2026-01-01_${PARENT_ID}.jsonl`), '{}\n');
    writeFileSync(join(dir, `2026-01-01_${PARENT_ID}`, 'run-1', `2026-01-02_${CHILD_ID}.jsonl`), '{}\n');
    let open!: () => void;
    sdk.buildGate = new Promise((r) => (open = r));
    const a = registry.getOrResume(CHILD_ID);
    const b = registry.getOrResume(CHILD_ID);
    open();
    const [la, lb] = await Promise.all([a, b]);
    assert.equal(la, lb);
    assert.equal(sdk.built.length, 1);
    assert.equal(la.parentSessionId, PARENT_ID);
    assert.equal(la.runId, 'run-1');
    await rejectsWith(registry.getOrResume('ffffffff-0000-0000-0000-000000000000'), 'session_not_found');
  });

  it('delete disposes, tombstones the id (410) and archives the file with its children folder', async () => {
    const live = await registry.create({ id: 'p1', path: join(root, 'project') });
    const file = join(config.SESSION_DIR, 'p1', `2026-01-01_${live.id}.jsonl`);
    writeFileSync(file, '{}\n');
    mkdirSync(file.replace(/\.jsonl$/, ''));
    session().sessionFile = file;
    await registry.delete(live.id);
    assert.deepEqual(
      session()
        .calls.filter((c) => c.method !== 'setSessionName')
        .map((c) => c.method),
      ['abort', 'dispose'],
    );
    await rejectsWith(registry.getOrResume(live.id), 'session_tombstoned');
    assert.ok(!existsSync(file));
    assert.ok(existsSync(join(config.FORGE_DATA_DIR, 'archived-sessions', `2026-01-01_${live.id}.jsonl`)));
    assert.ok(existsSync(join(config.FORGE_DATA_DIR, 'archived-sessions', `2026-01-01_${live.id}`)));
    await rejectsWith(registry.delete('ffffffff-0000-0000-0000-000000000000'), 'session_not_found');
  });

  it('forwards allow-listed events as emitted (partial kept), drops the rest, and announces sub-agent runs', async () => {
    const live = await registry.create({ id: 'p1', path: join(root, 'project') });
    const s = session();
    const partial = { role: 'assistant', content: [{ type: 'text', text: 'Hi' }] };
    s.emit({
      type: 'message_update',
      message: partial,
      assistantMessageEvent: { type: 'text_delta', contentIndex: 0, delta: 'Hi', partial },
    });
    s.emit({ type: 'agent_settled' });
    s.emit({ type: 'tool_execution_start', toolCallId: 't1', toolName: 'subagent', args: {} });
    const events = logged(s);
    assert.deepEqual(
      events.map((e) => e.type),
      ['message_update', 'tool_execution_start', 'session_list_changed'],
    );
    assert.deepEqual((events[0]!.assistantMessageEvent as { partial: unknown }).partial, partial);
    assert.deepEqual(events[2], { type: 'session_list_changed', reason: 'subagent_start', projectId: 'p1', sessionId: live.id });
  });

  it('an agent_end after a provider failure carries errorMessage', async () => {
    await registry.create({ id: 'p1', path: join(root, 'project') });
    session().emit({ type: 'agent_end', messages: [{ role: 'assistant', stopReason: 'error', errorMessage: 'quota exceeded' }] });
    assert.equal(logged(session())[0]!.errorMessage, 'quota exceeded');
  });

  it('builds sessions with the forge tool families, hands them a context that emits into the stream, and disposes them on delete', async () => {
    const disposed: string[] = [];
    let emit!: (e: { type: string; [k: string]: unknown }) => void;
    forgeTools.register({
      name: 'todo',
      toolsFor: (ctx) => {
        emit = ctx.emit;
        assert.equal(ctx.projectId, 'p1');
        return [{ name: 'todo' } as never];
      },
      disposeSession: (id) => void disposed.push(id),
    });
    forgeTools.register({ name: 'broken', toolsFor: () => [], disposeSession: () => Promise.reject(new Error('boom')) });
    const seen: string[] = [];
    bus.subscribe((ref, e) => seen.push(`${e.type}:${ref.projectId}`));
    const live = await registry.create({ id: 'p1', path: join(root, 'project') });
    assert.deepEqual(
      sdk.built[0]!.options.forgeTools.map((t) => t.name),
      ['todo'],
    );
    emit({ type: 'todo_update', sessionId: live.id, tasks: [], nextId: 1 });
    assert.deepEqual(
      logged(session()).map((e) => e.type),
      ['todo_update'],
    );
    await registry.delete(live.id);
    emit({ type: 'todo_update', sessionId: live.id, tasks: [], nextId: 2 });
    assert.deepEqual(disposed, [live.id]);
    assert.deepEqual(seen, ['session_created:p1', 'todo_update:p1', 'session_deleted:p1']);
  });
});
