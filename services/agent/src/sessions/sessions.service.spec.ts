import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import { StreamingBehavior, type ThinkingLevel } from '@pi-forge/proto/agent';
import { FakeAgentSdk, recordingLogger, type FakeSession } from '../testing/fake-agent-sdk.js';
import { forgeCode, rejectsWith } from '../testing/forge-error-code.js';
import { SystemPromptAddenda } from '../system-prompt/system-prompt-addenda.js';
import { LiveSessions } from './live-sessions.js';
import { SessionFiles } from './session-files.js';
import { SessionRegistry } from './session-registry.js';
import { SessionsService } from './sessions.service.js';
import { SessionExporter } from './session-exporter.js';
import { ForgeTools } from '../forge-tools/forge-tools.js';
import { SessionEventBus } from './session-event-bus.js';

describe('SessionsService', () => {
  let root: string;
  let sdk: FakeAgentSdk;
  let service: SessionsService;
  let exporter: SessionExporter;
  let registry: SessionRegistry;
  let logger: ReturnType<typeof recordingLogger>;
  let id: string;
  let s: FakeSession;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'agent-service-'));
    mkdirSync(join(root, 'project'));
    const config = {
      SESSION_DIR: join(root, 'sessions'),
      FORGE_DATA_DIR: join(root, 'data'),
      AGENT_SECRET_HYGIENE_RULE: false,
    } as unknown as ForgeConfig;
    sdk = new FakeAgentSdk();
    logger = recordingLogger();
    const files = new SessionFiles(config, logger, sdk);
    registry = new SessionRegistry(
      logger,
      sdk,
      new LiveSessions(),
      files,
      new SystemPromptAddenda(config, logger, { addendum: async () => '' }),
      new ForgeTools(),
      new SessionEventBus(),
    );
    service = new SessionsService(registry, files, sdk, logger, config);
    exporter = new SessionExporter(registry, files, logger);
    id = (await service.create({ id: 'p1', path: join(root, 'project') })).sessionId;
    s = sdk.built[0]!.session;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const events = () => {
    const log = registry.live(id).log;
    return log.since(`${log.epoch}-0`)!.map((e) => JSON.parse(e.json) as Record<string, unknown>);
  };

  it('create needs a project id and path', async () => {
    await rejectsWith(service.create({ id: '', path: '' }), 'invalid_body');
  });

  it('prompt preflight: no model, no key, busy without a streaming behaviour', async () => {
    s.model = undefined;
    await rejectsWith(
      service.prompt({
        sessionId: id,
        text: 'hi',
        images: [],
        textAttachments: [],
        streamingBehavior: StreamingBehavior.STREAMING_BEHAVIOR_UNSPECIFIED,
      }),
      'no_model_configured',
    );
    s.model = { provider: 'fake', id: 'fake-model' };
    sdk.authorized = false;
    await rejectsWith(
      service.prompt({
        sessionId: id,
        text: 'hi',
        images: [],
        textAttachments: [],
        streamingBehavior: StreamingBehavior.STREAMING_BEHAVIOR_UNSPECIFIED,
      }),
      'no_api_key',
    );
    sdk.authorized = true;
    s.isStreaming = true;
    await rejectsWith(
      service.prompt({
        sessionId: id,
        text: 'hi',
        images: [],
        textAttachments: [],
        streamingBehavior: StreamingBehavior.STREAMING_BEHAVIOR_UNSPECIFIED,
      }),
      'session_busy',
    );
    await rejectsWith(
      service.prompt({
        sessionId: 'nope-0000',
        text: 'hi',
        images: [],
        textAttachments: [],
        streamingBehavior: StreamingBehavior.STREAMING_BEHAVIOR_UNSPECIFIED,
      }),
      'session_not_found',
    );
    assert.equal(s.calls.filter((c) => c.method === 'prompt').length, 0);
  });

  it('the first prompt names the session, attachments go first, and a failed run ends with a synthetic agent_end', async () => {
    let fail!: (e: Error) => void;
    s.promptResult = new Promise((_, reject) => (fail = reject));
    const res = await service.prompt({
      sessionId: id,
      text: 'Please fix the login page',
      images: [],
      textAttachments: ['```txt file: a.txt\nA\n```'],
      streamingBehavior: StreamingBehavior.STREAMING_BEHAVIOR_UNSPECIFIED,
    });
    assert.ok(res.sessionName && !/^New session/.test(res.sessionName));
    assert.equal(s.sessionName, res.sessionName);
    assert.equal(s.calls.find((c) => c.method === 'prompt')!.args[0], '```txt file: a.txt\nA\n```\n\nPlease fix the login page');
    fail(new Error('boom'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      events().map((e) => e.type),
      ['session_renamed', 'agent_end'],
    );
    assert.equal(events()[1]!.errorMessage, 'boom');
  });

  it('set model: unknown provider/model refused; a failing switch is logged as "set model failed" for alerting', async () => {
    await rejectsWith(service.setModel(id, 'nobody', 'x'), 'unknown_provider');
    await rejectsWith(service.setModel(id, 'fake', 'missing'), 'unknown_model');
    assert.deepEqual(await service.setModel(id, 'fake', 'other'), { provider: 'fake', modelId: 'other' });
    s.setModelError = new Error('No API key for fake/fake-model');
    await rejectsWith(service.setModel(id, 'fake', 'fake-model'), 'set_model_failed');
    const line = logger.lines.find((l) => l.msg === 'set model failed');
    assert.deepEqual(line?.obj, { sessionId: id, provider: 'fake', modelId: 'fake-model', errorMessage: 'No API key for fake/fake-model' });
  });

  it('thinking level must be one of the contract levels', () => {
    assert.throws(
      () => service.setThinkingLevel(id, 'THINKING_LEVEL_MAX' as unknown as ThinkingLevel),
      (e) => forgeCode(e) === 'set_thinking_level_failed',
    );
  });

  it('export jsonl is the session file byte for byte; markdown has title, project, model; a bad format is refused', async () => {
    const file = join(root, 'sessions', 'p1', `2026-01-01_${id}.jsonl`);
    const text = `{"type":"session","id":"${id}"}\n{"type":"message","id":"a","parentId":null,"message":{"role":"user","content":"  spaced  "}}\n`;
    writeFileSync(file, text);
    s.sessionFile = file;
    s.sessionName = 'Fix: the *login* page!';
    const jsonl = await exporter.export(id, 'jsonl');
    assert.equal(jsonl.content, text);
    assert.match(jsonl.fileName, /^fix-the-login-page-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const md = await exporter.export(id, 'markdown');
    assert.match(md.content, /^# Fix: the \*login\* page!\n\n- \*\*Project:\*\* project \(`p1`\)\n- \*\*Model:\*\* fake\/fake-model\n/);
    await rejectsWith(exporter.export(id, 'pdf'), 'invalid_format');
  });
});
