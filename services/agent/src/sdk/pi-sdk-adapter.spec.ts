// The SDK loads in the background after the gRPC server listens (main.ts): calls that arrive
// before the import has finished must wait for it and then succeed, not fail.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { FakeSession, FakeSessionManager, recordingLogger } from '../testing/fake-agent-sdk.js';
import { SystemPromptAddenda } from '../system-prompt/system-prompt-addenda.js';
import { ModelCatalog } from '../provider-config/model-catalog.js';
import type { ConfigFiles } from '../provider-config/config-files.js';
import { LiveSessions } from '../sessions/live-sessions.js';
import { SessionFiles } from '../sessions/session-files.js';
import { SessionRegistry } from '../sessions/session-registry.js';
import { PiSdkAdapter } from './pi-sdk-adapter.js';
import type { PiSdk, SessionInfo } from './pi-sdk.js';
import { ForgeTools } from '../forge-tools/forge-tools.js';
import { SessionEventBus } from '../sessions/session-event-bus.js';
import { ALL_ENABLED, type SessionToggleSource } from '../resource-toggles/session-toggles.js';

/** Just the SDK values the adapter uses, enough to build a FakeSession. */
function fakeSdkModule(infos: SessionInfo[]): PiSdk {
  return {
    SessionManager: {
      create: (cwd: string) => new FakeSessionManager(cwd),
      open: (file: string) => new FakeSessionManager('/project', file),
      listAll: async () => infos,
    },
    SettingsManager: { create: () => ({ getGlobalSettings: () => ({}), getProjectSettings: () => ({}) }) },
    DefaultResourceLoader: class {
      async reload(): Promise<void> {}
      getExtensions() {
        return { extensions: [], errors: [] };
      }
    },
    ModelRuntime: { create: async () => ({}) },
    createBashToolDefinition: () => ({ name: 'bash' }),
    createLocalBashOperations: () => ({ exec: async () => ({ exitCode: 0 }) }),
    createAgentSession: async (o: { sessionManager: FakeSessionManager }) => ({ session: new FakeSession(o.sessionManager) }),
  } as unknown as PiSdk;
}

describe('PiSdkAdapter while the SDK is still loading', () => {
  let root: string;
  let release: (sdk: PiSdk) => void;
  let loads: number;
  let adapter: PiSdkAdapter;
  let files: SessionFiles;
  let registry: SessionRegistry;
  const logger = recordingLogger();

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'agent-sdk-loading-'));
    mkdirSync(join(root, 'project'));
    mkdirSync(join(root, 'sessions', 'p1'), { recursive: true });
    const config = {
      SESSION_DIR: join(root, 'sessions'),
      FORGE_DATA_DIR: join(root, 'data'),
      PI_CONFIG_DIR: join(root, 'pi'),
      AGENT_SECRET_HYGIENE_RULE: false,
      AGENT_TOOL_SANDBOX_ENABLED: false,
      inheritedEnv: {},
    } as unknown as ForgeConfig;
    // One pending import, as the real loader has while `import()` runs; every caller gets it.
    loads = 0;
    const pending = new Promise<PiSdk>((resolve) => (release = resolve));
    const loader = () => {
      loads++;
      return pending;
    };
    const catalog = new ModelCatalog(
      { authPath: join(root, 'auth.json'), modelsPath: join(root, 'models.json') } as ConfigFiles,
      config,
      loader,
    );
    adapter = new PiSdkAdapter(config, logger, catalog, loader, { forProject: async () => ALL_ENABLED } as unknown as SessionToggleSource);
    files = new SessionFiles(config, logger, adapter);
    const addenda = new SystemPromptAddenda(config, logger, { addendum: async () => '' });
    registry = new SessionRegistry(logger, adapter, new LiveSessions(), files, addenda, new ForgeTools(), new SessionEventBus());
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Whether `p` has settled after the event loop has had a few turns. */
  async function settled(p: Promise<unknown>): Promise<boolean> {
    let done = false;
    p.then(
      () => (done = true),
      () => (done = true),
    );
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    return done;
  }

  it('creates a session once the loader resolves (waits, no error)', async () => {
    const created = registry.create({ id: 'p1', path: join(root, 'project') });
    assert.equal(await settled(created), false, 'create must wait for the SDK');
    release(fakeSdkModule([]));
    const live = await created;
    assert.equal(live.projectId, 'p1');
    assert.equal(live.session.sessionName, 'New session');
    assert.ok(loads >= 1);
  });

  it('lists sessions and runs ! exec operations once the loader resolves', async () => {
    const listed = files.list('p1');
    const ops = adapter.userBashOperations();
    assert.equal(await settled(Promise.all([listed, ops])), false, 'list and exec must wait for the SDK');
    release(fakeSdkModule([]));
    assert.deepEqual(await listed, []);
    assert.equal(typeof (await ops).exec, 'function');
  });
});
