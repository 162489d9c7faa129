import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { FakeAgentSdk, recordingLogger } from '../testing/fake-agent-sdk.js';
import { SystemPromptAddenda } from '../system-prompt/system-prompt-addenda.js';
import { ForgeTools } from '../forge-tools/forge-tools.js';
import { LiveSessions } from './live-sessions.js';
import { SessionEventBus } from './session-event-bus.js';
import { SessionEvictor } from './session-evictor.js';
import { SessionFiles } from './session-files.js';
import { SessionRegistry } from './session-registry.js';

describe('SessionEvictor', () => {
  let root: string;
  let sdk: FakeAgentSdk;
  let registry: SessionRegistry;
  let forgeTools: ForgeTools;
  let evictor: SessionEvictor;
  const logger = recordingLogger();

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'agent-evictor-'));
    mkdirSync(join(root, 'project'));
    const config = {
      SESSION_DIR: join(root, 'sessions'),
      FORGE_DATA_DIR: join(root, 'data'),
      AGENT_SECRET_HYGIENE_RULE: false,
      SESSION_IDLE_EVICT_MS: 60_000,
    } as unknown as ForgeConfig;
    sdk = new FakeAgentSdk();
    forgeTools = new ForgeTools();
    const addenda = new SystemPromptAddenda(config, logger, { addendum: async () => '' });
    registry = new SessionRegistry(
      logger,
      sdk,
      new LiveSessions(),
      new SessionFiles(config, logger, sdk),
      addenda,
      forgeTools,
      new SessionEventBus(),
    );
    evictor = new SessionEvictor(config, logger, registry);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  it('unloads only sessions idle past the limit with no run, no stream and nothing a tool holds; they can come back', async () => {
    const project = { id: 'p1', path: join(root, 'project') };
    const [idle, recent, streaming, watched, held] = await Promise.all([1, 2, 3, 4, 5].map(() => registry.create(project)));
    for (const l of [idle, streaming, watched, held]) l!.lastActivityAt = ago(120_000);
    recent!.lastActivityAt = ago(1_000);
    (streaming!.session as unknown as { isStreaming: boolean }).isStreaming = true;
    const stop = watched!.log.subscribe(
      () => {},
      () => {},
    );
    const disposed: string[] = [];
    forgeTools.register({
      name: 'process',
      toolsFor: () => [],
      holdsSession: (id) => id === held!.id,
      disposeSession: (id) => void disposed.push(id),
    });

    assert.equal(await evictor.sweep(), 1);
    assert.deepEqual(
      registry
        .all()
        .map((l) => l.id)
        .sort(),
      [recent, streaming, watched, held].map((l) => l!.id).sort(),
    );
    assert.deepEqual(disposed, [idle!.id]);
    assert.ok(sdk.built.find((b) => b.session.sessionId === idle!.id)!.session.calls.some((c) => c.method === 'dispose'));
    // No tombstone: the id is free to resume (here it is not on disk, so NOT_FOUND, not 410).
    await assert.rejects(registry.getOrResume(idle!.id), (err: unknown) => !JSON.stringify(err).includes('session_tombstoned'));

    stop();
    assert.equal(await evictor.sweep(), 1, 'the watched session goes once its stream closes');
  });
});
