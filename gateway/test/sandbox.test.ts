// The agent-tool identity sandbox (docs/compatibility.md#auth-and-security /config/sandbox, §4.5) from outside: with
// AGENT_TOOL_SANDBOX_ENABLED and a throwaway uid/gid, a new terminal, `!` exec and the agent's bash
// tool run as that identity; what the workspace service creates is group-writable and owned by
// it; the tool environment set through the API reaches new terminals and the agent's tool (not
// `!` exec, docs/compatibility.md#config) and refuses pi-forge's own secret names. Switching uid needs root (CI
// runs as root), so the suite is skipped, saying why, anywhere else.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { configureFakeLlm, makeStackDirs, seedProject, startFakeLlm, startStack, type FakeLlm, type SeededProject, type Stack } from '@pi-forge/test-fixtures';
import { expectError, git, jsonOf, sseEvents } from './files-support.js';
import { openStream, type SseClient } from './sse-client.js';
import { TermClient, terminalUrl } from './terminal-client.js';

const API_KEY = 'test-key-sandbox';
const UID = 47_811;
const GID = 47_812;
const notRoot = process.getuid?.() !== 0;

describe('agent-tool identity sandbox', { skip: notRoot ? 'switching uid/gid needs root (CI runs as root)' : false }, () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  let toolHome: string;
  const clients: SseClient[] = [];
  const terms: TermClient[] = [];

  before(async () => {
    llm = await startFakeLlm({ toolCommand: 'echo "tool-uid=$(id -u) tool-gid=$(id -g) home=$HOME var=${SANDBOX_TEST_VAR:-unset}"' });
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'sandboxed', { 'README.md': 'x\n' });
    // The tool identity must be able to reach the project folder (mkdtemp makes 0700 folders).
    for (const d of [dirs.root, dirs.workspace, project.path]) chmodSync(d, 0o777);
    toolHome = mkdtempSync(join(tmpdir(), 'pi-forge-tool-home-'));
    chmodSync(toolHome, 0o777);
    stack = await startStack({
      name: 'sandbox', dirs,
      env: { API_KEY, AGENT_TOOL_SANDBOX_ENABLED: 'true', AGENT_TOOL_UID: String(UID), AGENT_TOOL_GID: String(GID), AGENT_TOOL_HOME: toolHome },
    });
  });
  after(async () => {
    for (const t of terms) t.close();
    for (const c of clients) c.close();
    await stack?.dispose();
    await llm?.close();
    rmSync(toolHome, { recursive: true, force: true });
  });

  const put = (toolEnv: unknown) => stack.api('/api/v1/config/sandbox', { method: 'PUT', json: { toolEnv } });

  it('GET/PUT /config/sandbox report the identity and store the tool environment', async () => {
    assert.deepEqual(await jsonOf(await stack.api('/api/v1/config/sandbox')), { enabled: true, uid: UID, gid: GID, home: toolHome, toolEnv: {} });
    const res = await put({ SANDBOX_TEST_VAR: 'from-settings', OTHER: 'two words' });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual((await jsonOf<{ toolEnv: unknown }>(res)).toolEnv, { SANDBOX_TEST_VAR: 'from-settings', OTHER: 'two words' });
    assert.equal(statSync(join(stack.dirs.data, 'sandbox-settings.json')).mode & 0o777, 0o600);
  });

  it('refuses pi-forge secrets and malformed tool environments with 400, keeping the stored one', async () => {
    for (const bad of [{ API_KEY: 'x' }, { JWT_SECRET: 'x' }, { UI_PASSWORD: 'x' }, { LD_PRELOAD: '/tmp/x.so' }, { '1BAD': 'x' }, { 'A-B': 'x' }, { A: 'x'.repeat(16 * 1024 + 1) },
      Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x']))]) {
      await expectError(await put(bad), 400, 'invalid_sandbox_settings');
    }
    await expectError(await put('not an object'), 400);
    // The largest valid tool env (100 names × 16 KiB) fits the route's body limit.
    const largest = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`BIG_${i}`, 'v'.repeat(16 * 1024)]));
    const big = await put(largest);
    assert.equal(big.status, 200, (await big.clone().text()).slice(0, 300));
    assert.equal(Object.keys((await jsonOf<{ toolEnv: object }>(big)).toolEnv).length, 100);
    assert.equal((await put({ SANDBOX_TEST_VAR: 'from-settings', OTHER: 'two words' })).status, 200);
    assert.deepEqual((await jsonOf<{ toolEnv: unknown }>(await stack.api('/api/v1/config/sandbox'))).toolEnv, { SANDBOX_TEST_VAR: 'from-settings', OTHER: 'two words' });
  });

  it('a new terminal runs as the sandbox identity with HOME, USER and the tool environment', async () => {
    const term = new TermClient(terminalUrl(stack, { projectId: project.id, tabId: 'sandbox-tab' }));
    terms.push(term);
    await term.opened();
    const out = await term.run('echo "uid=$(id -u) gid=$(id -g) home=$HOME user=$USER var=$SANDBOX_TEST_VAR key=${API_KEY:-none}"', 20_000);
    assert.match(out, new RegExp(`uid=${UID} gid=${GID} home=${toolHome} user=pi-tools var=from-settings key=none`));
  });

  it('`!` exec through the API runs as the sandbox identity, without the tool environment', async () => {
    const created = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } });
    assert.equal(created.status, 201, await created.clone().text());
    const { sessionId } = await jsonOf<{ sessionId: string }>(created);
    const res = await stack.api(`/api/v1/sessions/${sessionId}/exec`, { method: 'POST', json: { command: 'echo "uid=$(id -u) gid=$(id -g) home=$HOME var=${SANDBOX_TEST_VAR:-unset}"' } });
    assert.equal(res.status, 200, await res.clone().text());
    const body = await jsonOf<{ output: string; exitCode: number }>(res);
    assert.equal(body.exitCode, 0, body.output);
    assert.match(body.output, new RegExp(`uid=${UID} gid=${GID} home=${toolHome} var=unset`));
  });

  it("the agent's bash tool runs as the sandbox identity with the tool environment", async () => {
    const created = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } });
    const { sessionId } = await jsonOf<{ sessionId: string }>(created);
    const c = await openStream(stack.baseUrl, sessionId, API_KEY);
    clients.push(c);
    await c.waitFor((e) => e.type === 'snapshot', 'snapshot');
    assert.equal((await stack.api(`/api/v1/sessions/${sessionId}/prompt`, { method: 'POST', json: { text: 'run the tool' } })).status, 202);
    await c.waitFor((e) => e.type === 'agent_end', 'agent_end', 30_000);
    const toolEnd = c.events.find((e) => e.type === 'tool_execution_end')!;
    assert.ok(toolEnd, 'no tool ran');
    assert.match(JSON.stringify(toolEnd.data.result), new RegExp(`tool-uid=${UID} tool-gid=${GID} home=${toolHome} var=from-settings`));
  });

  it('files and folders the workspace service creates are group-writable and owned by the tool uid', async () => {
    const write = await stack.api('/api/v1/files/write', { method: 'PUT', json: { projectId: project.id, path: 'made/by/api.txt', content: 'x' } });
    assert.equal(write.status, 200, await write.clone().text());
    const mk = await stack.api('/api/v1/files/mkdir', { method: 'POST', json: { projectId: project.id, parentPath: project.path, name: 'folder' } });
    assert.ok(mk.status === 200 || mk.status === 201, await mk.clone().text());
    for (const [rel, mode] of [['made', 0o775], ['made/by', 0o775], ['made/by/api.txt', 0o664], ['folder', 0o775]] as const) {
      const st = statSync(join(project.path, rel));
      assert.equal((st.mode & 0o777).toString(8), mode.toString(8), rel);
      assert.equal(st.uid, UID, `${rel} owner`);
    }
    // The tool identity can write where the service created, and the service can read it back.
    const term = new TermClient(terminalUrl(stack, { projectId: project.id, tabId: 'writer-tab' }));
    terms.push(term);
    await term.opened();
    await term.run('echo from-tool > made/by/tool.txt && echo more >> made/by/api.txt && echo wrote', 20_000);
    const read = await jsonOf<{ content: string }>(await stack.api(`/api/v1/files/read?projectId=${project.id}&path=made/by/api.txt`));
    assert.equal(read.content, 'xmore\n');
    assert.equal(statSync(join(project.path, 'made/by/tool.txt')).uid, UID);
  });

  it('a cloned project is handed to the tool identity, so its tools can change it', async () => {
    const source = mkdtempSync(join(tmpdir(), 'pi-forge-sandbox-src-'));
    try {
      git(source, 'init', '-q', '-b', 'main');
      mkdirSync(join(source, 'src'));
      writeFileSync(join(source, 'src', 'main.txt'), 'one\n');
      git(source, 'add', '.');
      git(source, 'commit', '-q', '-m', 'one');
      const res = await stack.api('/api/v1/projects/clone', { method: 'POST', json: { url: pathToFileURL(source).href, parentPath: stack.dirs.workspace, folderName: 'cloned', projectName: 'Cloned' } });
      const events = await sseEvents(res);
      const created = events.find((e) => e.type === 'project_created') as { project: { id: string; path: string } } | undefined;
      assert.ok(created, JSON.stringify(events));
      for (const [rel, mode] of [['', 0o775], ['src', 0o775], ['src/main.txt', 0o664], ['.git', 0o775]] as const) {
        const st: Stats = statSync(join(created.project.path, rel));
        assert.equal(st.uid, UID, `${rel || '.'} owner`);
        assert.equal((st.mode & 0o777).toString(8), mode.toString(8), rel || '.');
      }
      const term = new TermClient(terminalUrl(stack, { projectId: created.project.id, tabId: 'clone-tab' }));
      terms.push(term);
      await term.opened();
      assert.match(await term.run('echo two >> src/main.txt && git add src/main.txt && echo staged-ok', 20_000), /staged-ok/);
      // The workspace service (root) still works in the now tool-owned repository.
      const status = await jsonOf<{ isGitRepo: boolean; files: { path: string; code: string }[] }>(await stack.api(`/api/v1/git/status?projectId=${created.project.id}`));
      assert.deepEqual([status.isGitRepo, status.files.map((f) => `${f.code}|${f.path}`)], [true, ['M |src/main.txt']]);
      const commit = await stack.api('/api/v1/git/commit', { method: 'POST', json: { projectId: created.project.id, message: 'two' } });
      assert.equal(commit.status, 200, await commit.clone().text());
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });
});

describe('sandbox start-up checks', () => {
  const LAUNCHER = fileURLToPath(new URL('../../../launcher/dist/src/main.js', import.meta.url));
  /** Starts the real launcher with these settings; it must exit by itself (config errors stop it at once). */
  const launch = (env: Record<string, string>) => {
    const dirs = makeStackDirs();
    try {
      const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dirs.home, WORKSPACE_PATH: dirs.workspace, FORGE_DATA_DIR: dirs.data, PI_CONFIG_DIR: dirs.piConfig, HOST: '127.0.0.1', PORT: '0' };
      const secret = join(dirs.root, 'password');
      writeFileSync(secret, 'a-long-password-123\n');
      const r = spawnSync(process.execPath, [LAUNCHER], { env: { ...base, ...env, ...(env.UI_PASSWORD_FILE ? { UI_PASSWORD_FILE: secret } : {}) }, encoding: 'utf8', timeout: 30_000 });
      return { status: r.status, stderr: r.stderr };
    } finally {
      rmSync(dirs.root, { recursive: true, force: true });
    }
  };
  const sandbox = { AGENT_TOOL_SANDBOX_ENABLED: 'true', AGENT_TOOL_UID: String(UID), AGENT_TOOL_GID: String(GID) };

  it('refuses to start with the sandbox on and a secret read from a file (docs/compatibility.md#auth-and-security)', () => {
    const r = launch({ ...sandbox, UI_PASSWORD_FILE: 'set' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /refuses secrets read from files \(UI_PASSWORD_FILE\)/);
    assert.ok(!r.stderr.includes('a-long-password-123'), 'the secret was printed');
  });

  it('refuses to start with the sandbox on and no numeric uid or gid', () => {
    for (const [name, env] of [['AGENT_TOOL_UID', { ...sandbox, AGENT_TOOL_UID: 'pi-tools' }], ['AGENT_TOOL_GID', { ...sandbox, AGENT_TOOL_GID: '' }]] as const) {
      const r = launch(env);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`needs a numeric ${name}`));
    }
  });
});
