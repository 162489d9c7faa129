// The agent-tool identity sandbox (docs/compatibility.md#auth-and-security /config/sandbox, §4.5) from outside: with
// AGENT_TOOL_SANDBOX_ENABLED and a throwaway uid/gid, a new terminal, `!` exec and the agent's bash
// tool run as that identity; what the workspace service creates is group-writable and owned by
// it; the tool environment set through the API reaches new terminals and the agent's tool (not
// `!` exec, docs/compatibility.md#config) and refuses pi-forge's own secret names. Switching uid needs root (CI
// runs as root), so the suite is skipped, saying why, anywhere else. The agent's file tools
// (scripted through the fake LLM) only reach the workspace and the non-secret pi config: the
// forge data dir, /etc, traversal and symlink escapes come back as `agent_tool_path_denied:` tool
// errors and their content never reaches the model; pi-subagents is not loaded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, type Stats } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  configureFakeLlm,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  type FakeLlm,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';
import { expectError, git, jsonOf, sseEvents } from './files-support.js';
import { openStream, type SseClient } from './sse-client.js';
import { TermClient, terminalUrl } from './terminal-client.js';

const API_KEY = 'test-key-sandbox';
const UID = 47_811;
const GID = 47_812;
const notRoot = process.getuid?.() !== 0;
const JWT = 'jwt-secret-content-must-not-leak-0123456789abcdef0123456789';
const OUTSIDE = 'outside-content-must-not-leak-4711';
const LISTED = 'listed-name-must-not-leak';
const probeExtension = (tool: string) => `
import { Type } from '@earendil-works/pi-ai';
export default function (pi) {
  pi.registerTool({ name: '${tool}', label: '${tool}', description: 'probe', parameters: Type.Object({}),
    async execute() { return { content: [{ type: 'text', text: 'probe' }], details: {} }; } });
}
`;

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
    // pi-subagents, once as a folder in extensions/ and once named in settings, beside another extension.
    mkdirSync(join(dirs.piConfig, 'extensions', 'pi-subagents'), { recursive: true });
    writeFileSync(join(dirs.piConfig, 'extensions', 'pi-subagents', 'index.ts'), probeExtension('subagent_probe'));
    writeFileSync(join(dirs.piConfig, 'extensions', 'other.ts'), probeExtension('other_probe'));
    mkdirSync(join(dirs.piConfig, 'more', 'pi-subagents'), { recursive: true });
    writeFileSync(join(dirs.piConfig, 'more', 'pi-subagents', 'index.ts'), probeExtension('subagent_probe_2'));
    configureFakeLlm(dirs.piConfig, llm, { extensions: [join(dirs.piConfig, 'more', 'pi-subagents', 'index.ts')] });
    project = seedProject(dirs, 'sandboxed', { 'README.md': 'readme-inside-project\n' });
    mkdirSync(dirs.data, { recursive: true });
    writeFileSync(join(dirs.data, 'jwt-secret'), JWT, { mode: 0o600 });
    mkdirSync(join(dirs.root, 'outside'));
    writeFileSync(join(dirs.root, 'outside', 'secret.txt'), OUTSIDE);
    writeFileSync(join(dirs.root, 'outside', `${LISTED}.txt`), ''); // a name only a listing would show
    symlinkSync(join(dirs.root, 'outside'), join(project.path, 'escape-link'));
    // Made by root; AGENT_TOOL_SANDBOX_CHOWN_PATHS hands it to the tool identity at start.
    mkdirSync(join(dirs.piConfig, 'skills', 'probe'), { recursive: true });
    writeFileSync(join(dirs.piConfig, 'skills', 'probe', 'SKILL.md'), '---\nname: probe\ndescription: probe skill\n---\nprobe\n');
    // The tool identity must be able to reach the project folder (mkdtemp makes 0700 folders).
    for (const d of [dirs.root, dirs.workspace, project.path]) chmodSync(d, 0o777);
    toolHome = mkdtempSync(join(tmpdir(), 'pi-forge-tool-home-'));
    chmodSync(toolHome, 0o777);
    stack = await startStack({
      name: 'sandbox',
      dirs,
      env: {
        API_KEY,
        AGENT_TOOL_SANDBOX_ENABLED: 'true',
        AGENT_TOOL_UID: String(UID),
        AGENT_TOOL_GID: String(GID),
        AGENT_TOOL_HOME: toolHome,
        AGENT_TOOL_SANDBOX_CHOWN_PATHS: `${join(dirs.piConfig, 'skills')},${join(toolHome, 'not-there')}`,
      },
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
    assert.deepEqual(await jsonOf(await stack.api('/api/v1/config/sandbox')), {
      enabled: true,
      uid: UID,
      gid: GID,
      home: toolHome,
      toolEnv: {},
    });
    const res = await put({ SANDBOX_TEST_VAR: 'from-settings', OTHER: 'two words' });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual((await jsonOf<{ toolEnv: unknown }>(res)).toolEnv, { SANDBOX_TEST_VAR: 'from-settings', OTHER: 'two words' });
    assert.equal(statSync(join(stack.dirs.data, 'sandbox-settings.json')).mode & 0o777, 0o600);
  });

  it("start-up hands the workspace root and AGENT_TOOL_SANDBOX_CHOWN_PATHS to the tool uid, secrets stay the server's", () => {
    assert.equal(statSync(stack.dirs.workspace).uid, UID, 'workspace root');
    for (const rel of ['skills', 'skills/probe', 'skills/probe/SKILL.md']) {
      const st = statSync(join(stack.dirs.piConfig, rel));
      assert.equal(st.uid, UID, rel);
      assert.equal((st.mode >> 3) & 0o6, 0o6, `${rel} is group rw`);
    }
    for (const secret of [join(stack.dirs.piConfig, 'models.json'), join(stack.dirs.data, 'jwt-secret'), stack.dirs.piConfig]) {
      assert.equal(statSync(secret).uid, 0, secret);
    }
  });

  it('refuses pi-forge secrets and malformed tool environments with 400, keeping the stored one', async () => {
    for (const bad of [
      { API_KEY: 'x' },
      { JWT_SECRET: 'x' },
      { UI_PASSWORD: 'x' },
      { LD_PRELOAD: '/tmp/x.so' },
      { '1BAD': 'x' },
      { 'A-B': 'x' },
      { A: 'x'.repeat(16 * 1024 + 1) },
      Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x'])),
    ]) {
      await expectError(await put(bad), 400, 'invalid_sandbox_settings');
    }
    await expectError(await put('not an object'), 400);
    // The largest valid tool env (100 names × 16 KiB) fits the route's body limit.
    const largest = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`BIG_${i}`, 'v'.repeat(16 * 1024)]));
    const big = await put(largest);
    assert.equal(big.status, 200, (await big.clone().text()).slice(0, 300));
    assert.equal(Object.keys((await jsonOf<{ toolEnv: object }>(big)).toolEnv).length, 100);
    assert.equal((await put({ SANDBOX_TEST_VAR: 'from-settings', OTHER: 'two words' })).status, 200);
    assert.deepEqual((await jsonOf<{ toolEnv: unknown }>(await stack.api('/api/v1/config/sandbox'))).toolEnv, {
      SANDBOX_TEST_VAR: 'from-settings',
      OTHER: 'two words',
    });
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
    const res = await stack.api(`/api/v1/sessions/${sessionId}/exec`, {
      method: 'POST',
      json: { command: 'echo "uid=$(id -u) gid=$(id -g) home=$HOME var=${SANDBOX_TEST_VAR:-unset}"' },
    });
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

  describe("the agent's file tools", () => {
    let sessionId = '';
    let c: SseClient;
    before(async () => {
      const created = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } });
      sessionId = (await jsonOf<{ sessionId: string }>(created)).sessionId;
      c = await openStream(stack.baseUrl, sessionId, API_KEY);
      clients.push(c);
      await c.waitFor((e) => e.type === 'snapshot', 'snapshot');
    });

    /** One prompt whose scripted answer is this tool call; the tool's end event and the model requests it caused. */
    const callTool = async (name: string, args: Record<string, unknown>) => {
      const from = c.events.length;
      const firstRequest = llm.requests.length;
      llm.enqueue({ tool: { name, args } }, { text: 'noted' });
      assert.equal(
        (await stack.api(`/api/v1/sessions/${sessionId}/prompt`, { method: 'POST', json: { text: `use ${name}` } })).status,
        202,
      );
      await c.waitFor((e) => e.type === 'agent_end', 'agent_end', 30_000, from);
      const end = c.events.slice(from).find((e) => e.type === 'tool_execution_end');
      assert.ok(end, `no ${name} tool ran`);
      return {
        end: end.data as { isError: boolean; result: unknown },
        text: JSON.stringify(end.data.result),
        requests: llm.requests.slice(firstRequest),
      };
    };
    const assertDenied = async (name: string, args: Record<string, unknown>, secret: string) => {
      const { end, text, requests } = await callTool(name, args);
      assert.equal(end.isError, true, text);
      assert.match(text, /"text":"agent_tool_path_denied: /, text);
      assert.ok(!text.includes(secret));
      assert.equal(requests.length, 2, 'the tool result went back to the model');
      assert.ok(requests[1]!.lastIsToolResult);
      assert.ok(!JSON.stringify(requests[1]!.body).includes(secret), 'the secret reached the model');
      assert.match(JSON.stringify(requests[1]!.body), /agent_tool_path_denied: /);
    };

    it('read works inside the project', async () => {
      const { end, text } = await callTool('read', { path: 'README.md' });
      assert.equal(end.isError, false, text);
      assert.match(text, /readme-inside-project/);
    });

    it('read of ${FORGE_DATA_DIR}/jwt-secret is denied and the secret never reaches the model', async () => {
      await assertDenied('read', { path: join(stack.dirs.data, 'jwt-secret') }, JWT);
    });

    it('read of /etc/passwd is denied', async () => {
      await assertDenied('read', { path: '/etc/passwd' }, readFileSync('/etc/passwd', 'utf8').split('\n')[0]!);
    });

    it('a symlink inside the project pointing outside is denied', async () => {
      await assertDenied('read', { path: 'escape-link/secret.txt' }, OUTSIDE);
      await assertDenied('ls', { path: 'escape-link' }, LISTED);
      await assertDenied('grep', { pattern: 'outside', path: 'escape-link' }, OUTSIDE);
    });

    it('`../..` traversal is denied, for reading and for writing', async () => {
      await assertDenied('read', { path: '../../outside/secret.txt' }, OUTSIDE);
      await assertDenied('write', { path: '../../outside/planted.txt', content: 'planted' }, OUTSIDE);
      assert.throws(() => statSync(join(stack.dirs.root, 'outside', 'planted.txt')), /ENOENT/);
      await assertDenied('find', { pattern: '*.txt', path: '../../outside' }, LISTED);
    });

    it('a file the write tool creates belongs to the tool uid, group-writable, and the tool shell can change it', async () => {
      const { end, text } = await callTool('write', { path: 'agent-made/deep/new.txt', content: 'written by the agent\n' });
      assert.equal(end.isError, false, text);
      for (const [rel, mode] of [
        ['agent-made', 0o775],
        ['agent-made/deep', 0o775],
        ['agent-made/deep/new.txt', 0o664],
      ] as const) {
        const st = statSync(join(project.path, rel));
        assert.equal(st.uid, UID, `${rel} owner`);
        assert.equal((st.mode & 0o777).toString(8), mode.toString(8), rel);
      }
      assert.equal(readFileSync(join(project.path, 'agent-made/deep/new.txt'), 'utf8'), 'written by the agent\n');
      const edited = await callTool('edit', { path: 'agent-made/deep/new.txt', edits: [{ oldText: 'written', newText: 'edited' }] });
      assert.equal(edited.end.isError, false, edited.text);
      assert.equal(statSync(join(project.path, 'agent-made/deep/new.txt')).uid, UID);
      const shell = await callTool('bash', { command: 'echo more >> agent-made/deep/new.txt && cat agent-made/deep/new.txt' });
      assert.match(shell.text, /edited by the agent\\nmore/);
    });

    it('pi-subagents is left out of the session, other extensions stay', () => {
      const tools = ((llm.requests[0]!.body.tools as { function: { name: string } }[] | undefined) ?? []).map((t) => t.function.name);
      assert.ok(tools.includes('other_probe'), tools.join(','));
      assert.ok(tools.includes('read') && tools.includes('write'), tools.join(','));
      assert.ok(!tools.includes('subagent_probe') && !tools.includes('subagent_probe_2'), tools.join(','));
    });
  });

  it('files and folders the workspace service creates are group-writable and owned by the tool uid', async () => {
    const write = await stack.api('/api/v1/files/write', {
      method: 'PUT',
      json: { projectId: project.id, path: 'made/by/api.txt', content: 'x' },
    });
    assert.equal(write.status, 200, await write.clone().text());
    const mk = await stack.api('/api/v1/files/mkdir', {
      method: 'POST',
      json: { projectId: project.id, parentPath: project.path, name: 'folder' },
    });
    assert.ok(mk.status === 200 || mk.status === 201, await mk.clone().text());
    for (const [rel, mode] of [
      ['made', 0o775],
      ['made/by', 0o775],
      ['made/by/api.txt', 0o664],
      ['folder', 0o775],
    ] as const) {
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
      const res = await stack.api('/api/v1/projects/clone', {
        method: 'POST',
        json: { url: pathToFileURL(source).href, parentPath: stack.dirs.workspace, folderName: 'cloned', projectName: 'Cloned' },
      });
      const events = await sseEvents(res);
      const created = events.find((e) => e.type === 'project_created') as { project: { id: string; path: string } } | undefined;
      assert.ok(created, JSON.stringify(events));
      for (const [rel, mode] of [
        ['', 0o775],
        ['src', 0o775],
        ['src/main.txt', 0o664],
        ['.git', 0o775],
      ] as const) {
        const st: Stats = statSync(join(created.project.path, rel));
        assert.equal(st.uid, UID, `${rel || '.'} owner`);
        assert.equal((st.mode & 0o777).toString(8), mode.toString(8), rel || '.');
      }
      const term = new TermClient(terminalUrl(stack, { projectId: created.project.id, tabId: 'clone-tab' }));
      terms.push(term);
      await term.opened();
      assert.match(await term.run('echo two >> src/main.txt && git add src/main.txt && echo staged-ok', 20_000), /staged-ok/);
      // The workspace service (root) still works in the now tool-owned repository.
      const status = await jsonOf<{ isGitRepo: boolean; files: { path: string; code: string }[] }>(
        await stack.api(`/api/v1/git/status?projectId=${created.project.id}`),
      );
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
  const launch = (envOf: Record<string, string> | ((dirs: ReturnType<typeof makeStackDirs>) => Record<string, string>)) => {
    const dirs = makeStackDirs();
    const env = typeof envOf === 'function' ? envOf(dirs) : envOf;
    try {
      const base = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dirs.home,
        WORKSPACE_PATH: dirs.workspace,
        FORGE_DATA_DIR: dirs.data,
        PI_CONFIG_DIR: dirs.piConfig,
        HOST: '127.0.0.1',
        PORT: '0',
      };
      const secret = join(dirs.root, 'password');
      writeFileSync(secret, 'a-long-password-123\n');
      const r = spawnSync(process.execPath, [LAUNCHER], {
        env: { ...base, ...env, ...(env.UI_PASSWORD_FILE ? { UI_PASSWORD_FILE: secret } : {}) },
        encoding: 'utf8',
        timeout: 30_000,
      });
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
    for (const [name, env] of [
      ['AGENT_TOOL_UID', { ...sandbox, AGENT_TOOL_UID: 'pi-tools' }],
      ['AGENT_TOOL_GID', { ...sandbox, AGENT_TOOL_GID: '' }],
    ] as const) {
      const r = launch(env);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`needs a numeric ${name}`));
    }
  });

  it('refuses AGENT_TOOL_SANDBOX_CHOWN_PATHS outside the workspace, tool home and pi config resource folders', () => {
    const cases: [(d: ReturnType<typeof makeStackDirs>) => string, RegExp][] = [
      [(d) => d.data, /is or holds FORGE_DATA_DIR/],
      [(d) => join(d.data, 'jwt-secret'), /is or holds FORGE_DATA_DIR/],
      [(d) => d.piConfig, /is or holds PI_CONFIG_DIR/],
      [(d) => join(d.piConfig, 'auth.json'), /a secret file/],
      [(d) => join(d.piConfig, 'sessions'), /only the workspace, AGENT_TOOL_HOME and PI_CONFIG_DIR/],
      [() => '/etc', /only the workspace/],
    ];
    for (const [path, why] of cases) {
      let given = '';
      const r = launch((d) => ({ ...sandbox, AGENT_TOOL_SANDBOX_CHOWN_PATHS: (given = path(d)) }));
      assert.notEqual(r.status, 0, given);
      assert.match(r.stderr, why, given);
    }
  });
});
