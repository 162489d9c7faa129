import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForgeConfig } from '@pi-forge/runtime';
import type { SessionInfo } from '../sdk/pi-sdk.js';
import { FakeAgentSdk, recordingLogger } from '../testing/fake-agent-sdk.js';
import { rejectsWith } from '../testing/forge-error-code.js';
import { LiveSessions } from './live-sessions.js';
import { SessionFiles, childDirOf, idOfFile, sessionIdOfFile } from './session-files.js';

const PARENT = 'aaaaaaaa-0000-0000-0000-000000000001';
const CHILD = 'cccccccc-0000-0000-0000-000000000002';
const DEEP = 'dddddddd-0000-0000-0000-000000000003';

describe('SessionFiles', () => {
  let root: string;
  let sdk: FakeAgentSdk;
  let files: SessionFiles;
  const info = (path: string, id: string): SessionInfo =>
    ({
      path,
      id,
      cwd: '/w/demo',
      name: undefined,
      created: new Date(0),
      modified: new Date(1000),
      messageCount: 2,
      firstMessage: 'hi',
      allMessagesText: '',
    }) as unknown as SessionInfo;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'agent-files-'));
    sdk = new FakeAgentSdk();
    files = new SessionFiles({ SESSION_DIR: root, FORGE_DATA_DIR: join(root, 'data') } as unknown as ForgeConfig, recordingLogger(), sdk);
    const project = join(root, 'p1');
    const parentFile = join(project, `2026-01-01_${PARENT}.jsonl`);
    const run = join(childDirOf(parentFile), 'run-1');
    const tooDeep = join(childDirOf(parentFile), 'a', 'b', 'c', 'd');
    const artifacts = join(childDirOf(parentFile), 'subagent-artifacts');
    for (const d of [run, tooDeep, artifacts]) mkdirSync(d, { recursive: true });
    writeFileSync(parentFile, '{}\n');
    writeFileSync(join(run, `2026-01-02_${CHILD}.jsonl`), '{}\n');
    writeFileSync(join(tooDeep, `2026-01-03_${DEEP}.jsonl`), '{}\n');
    writeFileSync(join(artifacts, `2026-01-03_eeeeeeee-0000-0000-0000-000000000004.jsonl`), '{}\n');
    sdk.infos.set(project, [info(parentFile, PARENT)]);
    sdk.infos.set(run, [info(join(run, `2026-01-02_${CHILD}.jsonl`), CHILD)]);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads ids from file names and child folders from parent files', () => {
    assert.equal(idOfFile(`/x/2026-01-01T00-00-00-000Z_${PARENT}.jsonl`), PARENT);
    assert.equal(childDirOf('/x/a_b.jsonl'), '/x/a_b');
  });

  it("lists a project's sessions with children under their parent, at most 4 folders deep, artifacts skipped", async () => {
    const listed = await files.list('p1');
    assert.deepEqual(
      listed.map((s) => [s.sessionId, s.parentSessionId, s.runId]),
      [
        [PARENT, undefined, undefined],
        [CHILD, PARENT, 'run-1'],
      ],
    );
    assert.equal(
      (await files.projectFiles('p1')).some((f) => f.path.includes(DEEP)),
      false,
    );
    assert.deepEqual(await files.list('nope'), []);
  });

  it('finds a child by id anywhere under SESSION_DIR and describes it from disk', async () => {
    assert.equal((await files.find(CHILD))?.parentSessionId, PARENT);
    assert.equal((await files.describe(CHILD)).isLive, false);
    assert.equal(await files.find('../../etc'), undefined, 'ids are checked before any folder is read');
    await rejectsWith(files.describe('ffffffff-0000-0000-0000-000000000000'), 'session_not_found');
  });
});

describe('LiveSessions', () => {
  it('get throws session_not_found; a removed id is tombstoned', async () => {
    const sessions = new LiveSessions();
    await rejectsWith(() => sessions.get('x'), 'session_not_found');
    sessions.remove('gone');
    await rejectsWith(() => sessions.assertNotTombstoned('gone'), 'session_tombstoned');
    sessions.assertNotTombstoned('other');
  });
});

describe('sessionIdOfFile', () => {
  it("takes the id from the file name, else from the session header (pi-subagents' run-N/session.jsonl)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-header-'));
    try {
      const named = join(dir, `2026-01-01_${PARENT}.jsonl`);
      const runFile = join(dir, 'session.jsonl');
      const notSession = join(dir, 'other.jsonl');
      const badId = join(dir, 'bad.jsonl');
      writeFileSync(named, '{}\n');
      writeFileSync(runFile, `${JSON.stringify({ type: 'session', version: 3, id: CHILD, cwd: '/w' })}\n{"type":"message"}\n`);
      writeFileSync(notSession, `${JSON.stringify({ type: 'message', id: CHILD })}\n`);
      writeFileSync(badId, `${JSON.stringify({ type: 'session', id: '../../etc' })}\n`);
      assert.equal(await sessionIdOfFile(named), PARENT);
      assert.equal(await sessionIdOfFile(runFile), CHILD);
      assert.equal(await sessionIdOfFile(notSession), undefined);
      assert.equal(await sessionIdOfFile(badId), undefined);
      assert.equal(await sessionIdOfFile(join(dir, 'missing.jsonl')), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
