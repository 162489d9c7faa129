// The process tool through its ForgeToolProvider face: envelopes, SSE events, alert cards and how
// they wake the agent, the bus-only process_alert, poll throttling and the snapshot re-delivery.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { ForgeTools, type ForgeEmitOptions, type ForgeEvent, type ForgeToolContext } from '../forge-tools/forge-tools.js';
import type { LiveSession } from '../sessions/live-session.js';
import { PendingState } from '../streaming/pending-state.js';
import { recordingLogger } from '../testing/fake-agent-sdk.js';
import { signalGroup } from './managed-process.js';
import { ProcessManager } from './process-manager.js';
import { ProcessTool, type ProcessToolParams } from './process-tool.js';

const SID = 'tool-session';

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ProcessTool', () => {
  let root: string;
  let tool: ProcessTool;
  let pending: PendingState;
  let forgeTools: ForgeTools;
  let emitted: { event: ForgeEvent; options?: ForgeEmitOptions }[];
  let cards: { customType: string; text: string; options: unknown }[];
  let ctx: ForgeToolContext;
  let minimal = false;

  const build = () => {
    const config = {
      FORGE_DATA_DIR: join(root, 'data'),
      PROCESS_MAX_PER_SESSION: 1,
      MINIMAL_UI: minimal,
      AGENT_TOOL_SANDBOX_ENABLED: false,
      TERMINAL_PASSTHROUGH_ENV: [],
      inheritedEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    } as unknown as ForgeConfig;
    const manager = new ProcessManager(config, recordingLogger(), { signal: signalGroup, timings: { termGraceMs: 500, killGraceMs: 500 } });
    pending = new PendingState();
    forgeTools = new ForgeTools();
    tool = new ProcessTool(manager, forgeTools, pending, recordingLogger());
    tool.onModuleInit();
    const session = {
      sendCustomMessage: (m: { customType: string; content: { text: string }[] }, options: unknown) => {
        cards.push({ customType: m.customType, text: m.content[0]!.text, options });
        return Promise.resolve();
      },
    };
    ctx = {
      sessionId: SID,
      projectId: 'p1',
      cwd: root,
      emit: (event, options) => emitted.push({ event, options }),
      live: () => ({ id: SID, session }) as unknown as LiveSession,
    };
  };
  const call = async (params: ProcessToolParams) => {
    const [def] = await forgeTools.toolsFor(ctx);
    const r = (await def!.execute('call-1', params as never, undefined, undefined, {} as never)) as unknown as {
      content: { text: string }[];
      details: { success: boolean; message: string; process?: { id: string }; cleared?: number };
    };
    return r;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'process-tool-'));
    emitted = [];
    cards = [];
    minimal = false;
    build();
  });
  afterEach(async () => {
    await tool.disposeSession(SID);
    rmSync(root, { recursive: true, force: true });
  });

  it('registers as the `process` family with a JSON-schema tool', async () => {
    assert.deepEqual(forgeTools.names, ['process']);
    const [def] = await forgeTools.toolsFor(ctx);
    assert.equal(def!.name, 'process');
    assert.deepEqual((def!.parameters as { required: string[] }).required, ['action']);
  });

  it('a watch match emits process_watch and a card that wakes the agent; kill then ends it without an alert', async () => {
    const started = await call({
      action: 'start',
      name: 'ticker',
      command: `node -e "setInterval(()=>console.log('tick '+Date.now()),50)"`,
      logWatches: [{ pattern: 'tick \\d+' }],
    });
    assert.equal(started.details.success, true, started.details.message);
    const id = started.details.process!.id;
    await until('watch card', () => cards.length === 1);
    const watch = emitted.find((e) => e.event.type === 'process_watch')!.event as unknown as { match: Record<string, unknown> };
    assert.equal(watch.match.processId, id);
    assert.equal(watch.match.processName, 'ticker');
    assert.equal(watch.match.source, 'stdout');
    assert.deepEqual(watch.match.watch, { index: 0, pattern: 'tick \\d+', stream: 'both', repeat: false });
    assert.equal(cards[0]!.customType, 'process-watch');
    assert.match(cards[0]!.text, new RegExp(`^Background process ${id} "ticker" printed a line matching`));
    assert.deepEqual(cards[0]!.options, { triggerTurn: true, deliverAs: 'steer' });
    assert.ok(emitted.some((e) => e.event.type === 'process_output' && e.event.id === id));
    const killed = await call({ action: 'kill', id });
    assert.equal(killed.details.success, true);
    assert.equal(cards.length, 1, 'a kill through the tool is no alert');
    assert.ok(!emitted.some((e) => e.event.type === 'process_alert'));
  });

  it('a failure wakes the agent and publishes process_alert to the bus only; a success is an informational card', async () => {
    await call({ action: 'start', command: 'exit 7' });
    await until('failure card', () => cards.length === 1);
    assert.equal(cards[0]!.customType, 'process-notify');
    assert.match(cards[0]!.text, /failed with exit code 7/);
    assert.deepEqual(cards[0]!.options, { triggerTurn: true, deliverAs: 'steer' });
    const alert = emitted.find((e) => e.event.type === 'process_alert')!;
    assert.deepEqual(alert.options, { publishOnly: true });
    const data = alert.event.data as Record<string, unknown>;
    assert.equal(data.reason, 'failure');
    assert.equal(data.exitCode, 7);
    assert.deepEqual(Object.keys(data).sort(), [
      'command',
      'cwd',
      'endTime',
      'exitCode',
      'name',
      'pid',
      'processId',
      'reason',
      'startTime',
      'success',
    ]);

    await call({ action: 'start', command: 'true', alertOnSuccess: true });
    await until('success card', () => cards.length === 2);
    assert.match(cards[1]!.text, /finished successfully/);
    assert.deepEqual(cards[1]!.options, { triggerTurn: false });
    // Without the flag a success says nothing.
    await call({ action: 'start', command: 'true' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(cards.length, 2);
  });

  it('answers bad calls with envelopes: missing params, unknown id, bad watch, the cap, MINIMAL_UI', async () => {
    assert.match((await call({ action: 'start' })).details.message, /Missing required parameter: command/);
    assert.match((await call({ action: 'output' })).details.message, /Missing required parameter: id/);
    assert.match((await call({ action: 'kill', id: 'nope' })).details.message, /Process not found: nope/);
    const bad = await call({ action: 'start', command: 'true', logWatches: [{ pattern: '(a+)+' }] });
    assert.equal(bad.details.success, false);
    assert.match(bad.details.message, /exponential/);
    assert.equal((await call({ action: 'start', command: 'sleep 30' })).details.success, true);
    const capped = await call({ action: 'start', command: 'sleep 30' });
    assert.equal(capped.details.success, false);
    assert.match(capped.details.message, /PROCESS_MAX_PER_SESSION=1/);
    await tool.disposeSession(SID);
    minimal = true;
    build();
    assert.equal((await call({ action: 'start', command: 'true' })).details.message, 'process.start is disabled under MINIMAL_UI');
  });

  it('suppresses an identical list or output poll, writes stdin, clears finished ones', async () => {
    const started = await call({ action: 'start', command: 'cat', name: 'echoer' });
    const id = started.details.process!.id;
    const first = await call({ action: 'list' });
    assert.match(first.content[0]!.text, /1 process\(es\):/);
    const again = await call({ action: 'list' });
    assert.match(again.content[0]!.text, /Unchanged since your last list call/);
    assert.equal((await call({ action: 'write', id: 'echoer', input: 'ping\n' })).details.success, true);
    await until('echo', () => emitted.some((e) => e.event.type === 'process_output'));
    await new Promise((r) => setTimeout(r, 100));
    const out = await call({ action: 'output', id });
    assert.match(out.content[0]!.text, /ping/);
    assert.match((await call({ action: 'output', id })).content[0]!.text, /Unchanged/);
    assert.equal((await call({ action: 'write', id, input: '', end: true })).details.success, true);
    await until('exited', () =>
      emitted.some((e) => e.event.type === 'process_update' && (e.event.processes as { status: string }[])[0]?.status === 'exited'),
    );
    assert.equal((await call({ action: 'clear' })).details.cleared, 1);
  });

  it('holds the session against idle eviction while a process runs', async () => {
    assert.equal(forgeTools.holdsSession(SID), false);
    const started = await call({ action: 'start', command: 'sleep 30' });
    assert.equal(forgeTools.holdsSession(SID), true);
    await call({ action: 'kill', id: started.details.process!.id });
    assert.equal(forgeTools.holdsSession(SID), false);
  });

  it('re-delivers the process list after every snapshot', async () => {
    const live = { id: SID } as unknown as LiveSession;
    assert.deepEqual(pending.eventsFor(live), [{ type: 'process_update', sessionId: SID, processes: [] }]);
    await call({ action: 'start', command: 'sleep 30' });
    const [event] = pending.eventsFor(live) as { processes: unknown[] }[];
    assert.equal(event!.processes.length, 1);
  });
});
