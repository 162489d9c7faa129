// MCP end to end (docs/mcp.md, contract §1.10, §2.10): the real stack, real MCP servers built with the official
// SDK (a streamable-HTTP/SSE server on 127.0.0.1 and a stdio server script), and the fake LLM calling the
// bridged tools. Covers CRUD + redaction + the sentinel rule, the stdio trust gate (a marker file proves the
// gated server never ran), probe, /mcp/tools, bridged calls over both transports, isError, truncation, a
// killed server that neither blocks a run nor stays down, and the bad inputs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  configureFakeLlm,
  LONG_HEAD,
  LONG_TAIL,
  makeStackDirs,
  MCP_STDIO_SERVER_SCRIPT,
  runDocExample,
  seedProject,
  startFakeLlm,
  startMcpHttpServer,
  startStack,
  type FakeLlm,
  type FakeRequest,
  type McpHttpFixture,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';
import { expectError, jsonOf } from './files-support.js';
import { openStream, type SseClient } from './sse-client.js';

const API_KEY = 'test-key-mcp-0123456789abcdef';
const HEADER_SECRET = 'Bearer header-secret-4711';
const ENV_SECRET = 'env-secret-0815';
const NODE = process.execPath;

/** The text of the last tool result the model was sent (OpenAI chat shape). */
function lastToolResult(req: FakeRequest): string {
  const messages = (req.body.messages ?? []) as { role: string; content: unknown }[];
  const tool = [...messages].reverse().find((m) => m.role === 'tool');
  if (!tool) return '';
  if (typeof tool.content === 'string') return tool.content;
  return (tool.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('');
}

async function waitUntil<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

describe('mcp', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let http: McpHttpFixture;
  let project: SeededProject;
  let plain: SeededProject;
  let marker: string;
  const clients: SseClient[] = [];

  const api = (path: string, init: { method?: string; json?: unknown } = {}) => stack.api(`/api/v1${path}`, init);
  const status = async (name: string, projectId?: string) => {
    const body = await jsonOf<{ status: { name: string; state: string; scope: string }[] }>(
      await api(`/mcp/servers${projectId ? `?projectId=${projectId}` : ''}`),
    );
    return body.status.find((s) => s.name === name);
  };
  const connected = (name: string, projectId?: string) =>
    waitUntil(`${name} connected`, async () => ((await status(name, projectId))?.state === 'connected' ? true : undefined));

  /** A session in `projectId` whose run calls `tool` once; resolves with the result text the model got. */
  async function runTool(projectId: string, tool: string, args: Record<string, unknown>): Promise<string> {
    const res = await api('/sessions', { method: 'POST', json: { projectId } });
    assert.equal(res.status, 201, await res.clone().text());
    const { sessionId } = await jsonOf<{ sessionId: string }>(res);
    const c = await openStream(stack.baseUrl, sessionId, API_KEY);
    clients.push(c);
    await c.waitFor((e) => e.type === 'snapshot', 'snapshot');
    const before = llm.requests.length;
    llm.enqueue({ tool: { name: tool, args } }, { text: ['done'] });
    assert.equal((await api(`/sessions/${sessionId}/prompt`, { method: 'POST', json: { text: `call ${tool}` } })).status, 202);
    await c.waitFor((e) => e.type === 'agent_end', 'agent_end', 90_000);
    const followUp = llm.requests.slice(before).find((r) => r.lastIsToolResult);
    assert.ok(followUp, 'the model got a tool result');
    c.close();
    return lastToolResult(followUp);
  }

  before(async () => {
    llm = await startFakeLlm();
    http = await startMcpHttpServer({ label: 'remote' });
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    marker = join(dirs.root, 'stdio-started.log');
    project = seedProject(dirs, 'with-mcp', {
      // Claude Desktop's shape; the stdio entry runs a command from the repository, so it waits for trust.
      '.mcp.json': JSON.stringify({
        mcpServers: { local: { command: NODE, args: [MCP_STDIO_SERVER_SCRIPT, 'local', marker], env: { FIXTURE_TOKEN: ENV_SECRET } } },
      }),
    });
    plain = seedProject(dirs, 'plain');
    stack = await startStack({ name: 'mcp', dirs, env: { API_KEY } });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.dispose();
    await http?.close();
    await llm?.close();
  });

  it('PUT/GET /mcp/servers stores a remote server (0600), redacts header values and keeps them on a sentinel PUT', async () => {
    const put = await api('/mcp/servers/remote', { method: 'PUT', json: { url: http.url, headers: { Authorization: HEADER_SECRET } } });
    assert.equal(put.status, 200, await put.clone().text());
    assert.deepEqual(await jsonOf(put), { ok: true });
    const file = join(stack.dirs.data, 'mcp.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const listed = await (await api('/mcp/servers')).text();
    assert.ok(!listed.includes('header-secret-4711'), listed);
    const body = JSON.parse(listed) as { servers: Record<string, any>; status: any[] };
    assert.deepEqual(body.servers.remote, { url: http.url, headers: { Authorization: '***REDACTED***' } });
    // Sending back what was read keeps the secret.
    assert.equal((await api('/mcp/servers/remote', { method: 'PUT', json: body.servers.remote })).status, 200);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).servers.remote.headers.Authorization, HEADER_SECRET);
    await connected('remote');
    const s = await status('remote');
    assert.deepEqual(
      { ...s, toolCount: undefined },
      {
        scope: 'global',
        name: 'remote',
        kind: 'remote',
        url: http.url,
        enabled: true,
        state: 'connected',
        toolCount: undefined,
        transport: 'streamable-http',
      },
    );
    // The header reached the server.
    assert.ok(http.requests.some((r) => r.headers.authorization === HEADER_SECRET));
    const settings = await jsonOf(await api('/mcp/settings'));
    assert.deepEqual(settings, { enabled: true, connected: 1, total: 1, truncation: { enabled: true, maxChars: 30_000 } });
  });

  it('a project stdio server stays trust_required and never starts until the project is trusted', async () => {
    const body = await jsonOf<{ status: any[]; stdioTrust: { trusted: boolean } }>(await api(`/mcp/servers?projectId=${project.id}`));
    assert.deepEqual(body.stdioTrust, { trusted: false });
    const local = body.status.find((s) => s.name === 'local');
    assert.equal(local.state, 'trust_required');
    assert.equal(local.scope, 'project');
    // A session of the project gets the remote tools but not the untrusted ones, and the script never ran.
    const tools = await jsonOf<{ tools: { name: string }[] }>(await api(`/mcp/tools?projectId=${project.id}`));
    assert.ok(tools.tools.some((t) => t.name === 'remote__echo'));
    assert.ok(!tools.tools.some((t) => t.name.startsWith('local__')));
    assert.equal(existsSync(marker), false, 'the gated stdio server must not have been spawned');

    const trusted = await api(`/mcp/trust/${project.id}`, { method: 'POST' });
    assert.equal(trusted.status, 200, await trusted.clone().text());
    assert.equal((await jsonOf<{ trusted: boolean }>(trusted)).trusted, true);
    assert.equal(statSync(join(stack.dirs.data, 'mcp-stdio-trust.json')).mode & 0o777, 0o600);
    await connected('local', project.id);
    assert.match(readFileSync(marker, 'utf8'), new RegExp(`cwd=${project.path}`), 'started in the project folder');
    const after = await jsonOf<{ tools: { name: string; description: string }[] }>(await api(`/mcp/tools?projectId=${project.id}`));
    assert.ok(after.tools.some((t) => t.name === 'local__echo' && t.description === 'Echoes text back (local)'));
    // The configured env is redacted when shown... (project servers are shown through status only) and reaches the child.
    assert.ok(!JSON.stringify(await jsonOf(await api(`/mcp/servers?projectId=${project.id}`))).includes(ENV_SECRET));
  });

  it('a fake-LLM run calls bridged tools over streamable HTTP and stdio and the model gets their results', async () => {
    assert.equal(await runTool(project.id, 'remote__echo', { text: 'over http' }), 'remote echo: over http');
    assert.equal(await runTool(project.id, 'local__echo', { text: 'over stdio' }), 'local echo: over stdio');
  });

  it('the stdio child gets the SDK default env plus its own, none of the agent service secrets', async () => {
    assert.equal(await runTool(project.id, 'local__env', { name: 'FIXTURE_TOKEN' }), ENV_SECRET);
    assert.equal(await runTool(project.id, 'local__env', { name: 'API_KEY' }), '(unset)');
    assert.equal(await runTool(project.id, 'local__env', { name: 'FORGE_DATA_DIR' }), '(unset)');
  });

  it('an isError result is a tool error with the [error] prefix; long text is truncated 60/40 with a warning', async () => {
    assert.equal(await runTool(plain.id, 'remote__fail', { reason: 'on purpose' }), '[error] fixture failure: on purpose');
    const put = await api('/mcp/settings', { method: 'PUT', json: { truncation: { maxChars: 1000 } } });
    assert.deepEqual((await jsonOf<{ truncation: unknown }>(put)).truncation, { enabled: true, maxChars: 1000 });
    await connected('remote');
    const text = await runTool(plain.id, 'remote__long', { chars: 5000 });
    assert.ok(text.startsWith(LONG_HEAD), text.slice(0, 50));
    assert.ok(text.endsWith(LONG_TAIL), text.slice(-50));
    assert.match(text, /\[MCP_RESULT_TRUNCATED: the tool returned 5000 characters; showing the first 600 and the last 400\]/);
    assert.equal(text.replace(/\n\n\[MCP_RESULT_TRUNCATED[^\]]*\]\n\n/, '').length, 1000);
    assert.equal(JSON.parse(readFileSync(join(stack.dirs.data, 'mcp.json'), 'utf8')).truncation.maxChars, 1000);
  });

  it('a killed server neither blocks a run nor stays down: the call errors at once, a restart is picked up', async () => {
    const port = http.port;
    await http.close();
    // New sessions are created while the server is dead (bounded wait), runs finish with a tool error.
    const down = await runTool(plain.id, 'remote__whoami', {});
    assert.match(down, /^\[error\] /);
    http = await startMcpHttpServer({ label: 'remote', port });
    // The old MCP session id is unknown to the new instance (404): the bridge reconnects and retries.
    const up = await waitUntil('remote back', async () => {
      const t = await runTool(plain.id, 'remote__whoami', {});
      return t.startsWith('remote instance') ? t : undefined;
    });
    assert.match(up, /^remote instance /);
    await connected('remote');
    // A restart between two calls: the first call after it meets its stale MCP session id and still succeeds.
    await http.close();
    http = await startMcpHttpServer({ label: 'remote', port });
    const again = await runTool(plain.id, 'remote__whoami', {});
    assert.match(again, /^remote instance /);
    assert.notEqual(again, up, 'answered by the new instance');
    assert.ok(http.requests.some((r) => r.path === '/mcp' && r.headers['mcp-session-id'] && r.method === 'POST'));
  });

  it('probe reconnects and reports; auto falls back to SSE; a disabled entry and the master switch stop tools', async () => {
    assert.equal((await api('/mcp/servers/legacy', { method: 'PUT', json: { url: http.sseUrl } })).status, 200);
    const probe = await jsonOf<{ status: any }>(await api('/mcp/servers/legacy/probe', { method: 'POST' }));
    assert.equal(probe.status.state, 'connected', JSON.stringify(probe));
    assert.equal(probe.status.transport, 'sse');
    assert.equal(await runTool(plain.id, 'legacy__echo', { text: 'via sse' }), 'remote-sse echo: via sse');

    assert.equal((await api('/mcp/servers/legacy', { method: 'PUT', json: { url: http.sseUrl, enabled: false } })).status, 200);
    assert.equal((await status('legacy'))?.state, 'disabled');
    const off = await api('/mcp/settings', { method: 'PUT', json: { enabled: false } });
    assert.deepEqual(await jsonOf(off), { enabled: false, connected: 0, total: 2, truncation: { enabled: true, maxChars: 1000 } });
    assert.deepEqual(await jsonOf(await api(`/mcp/tools?projectId=${project.id}`)), { tools: [] });
    assert.equal((await status('local', project.id))?.state, 'disabled');
    assert.equal((await api('/mcp/settings', { method: 'PUT', json: { enabled: true } })).status, 200);
    assert.deepEqual(await jsonOf(await api('/mcp/servers/legacy', { method: 'DELETE' })), { removed: true });
    assert.deepEqual(await jsonOf(await api('/mcp/servers/legacy', { method: 'DELETE' })), { removed: false });
  });

  it('DELETE /mcp/trust unloads the project pool; the stdio server is gated again', async () => {
    await connected('local', project.id);
    assert.deepEqual(await jsonOf(await api(`/mcp/trust/${project.id}`, { method: 'DELETE' })), { trusted: false });
    const body = await jsonOf<{ status: any[]; stdioTrust: unknown }>(await api(`/mcp/servers?projectId=${project.id}`));
    assert.deepEqual(body.stdioTrust, { trusted: false });
    assert.equal(body.status.find((s) => s.name === 'local').state, 'trust_required');
  });

  it('bad inputs answer clear 4xx and change nothing', async () => {
    const before = readFileSync(join(stack.dirs.data, 'mcp.json'), 'utf8');
    const cases: [string, string, unknown, number, string][] = [
      ['PUT', '/mcp/servers/both', { url: http.url, command: 'node' }, 400, 'mcp_invalid_config'],
      ['PUT', '/mcp/servers/neither', {}, 400, 'mcp_invalid_config'],
      ['PUT', '/mcp/servers/a__b', { url: http.url }, 400, 'mcp_invalid_config'],
      ['PUT', `/mcp/servers/${'n'.repeat(65)}`, { url: http.url }, 400, 'validation_failed'],
      ['PUT', '/mcp/servers/x', { url: 'file:///etc/passwd' }, 400, 'mcp_invalid_config'],
      ['PUT', '/mcp/servers/x', { url: http.url, transport: 'ws' }, 400, 'validation_failed'],
      ['PUT', '/mcp/servers/x', { url: http.url, headers: { A: 1 } }, 400, 'validation_failed'],
      ['PUT', '/mcp/servers/x', { command: 'node', args: 'a b' }, 400, 'validation_failed'],
      ['PUT', '/mcp/settings', {}, 400, 'validation_failed'],
      ['PUT', '/mcp/settings', { truncation: { maxChars: 0 } }, 400, 'validation_failed'],
      ['PUT', '/mcp/settings', { truncation: { maxChars: 1_000_001 } }, 400, 'validation_failed'],
      ['PUT', '/mcp/settings', { enabled: 'yes' }, 400, 'validation_failed'],
      ['GET', '/mcp/tools', undefined, 400, 'validation_failed'],
      ['GET', '/mcp/tools?projectId=nope', undefined, 404, 'project_not_found'],
      ['GET', '/mcp/servers?projectId=nope', undefined, 404, 'project_not_found'],
      ['POST', '/mcp/servers/none/probe', undefined, 404, 'mcp_server_not_found'],
      ['POST', '/mcp/servers/remote/probe?projectId=nope', undefined, 404, 'project_not_found'],
      ['POST', '/mcp/trust/nope', undefined, 404, 'project_not_found'],
      ['DELETE', '/mcp/trust/nope', undefined, 404, 'project_not_found'],
    ];
    for (const [method, path, json, code, error] of cases) await expectError(await api(path, { method, json }), code, error);
    assert.equal(readFileSync(join(stack.dirs.data, 'mcp.json'), 'utf8'), before);
    // Without the API key nothing is reachable.
    const anon = await fetch(`${stack.baseUrl}/api/v1/mcp/servers`);
    assert.equal(anon.status, 401);
  });

  it('the docs/api.md MCP examples run as written', async () => {
    const env = { PI_FORGE_URL: stack.baseUrl, PI_FORGE_API_KEY: API_KEY, MCP_URL: http.url, PROJECT_ID: project.id };
    const run = await runDocExample('mcp/servers', env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"ok":\s*true/);
    assert.match(run.stdout, /docs-example/);
    assert.ok(!run.stdout.includes('doc-secret'), run.stdout);
  });
});
