// Skills, prompt templates and tools toggles (contract V1-V5, docs/compatibility.md#skills-prompts-and-tools)
// through the gateway against the real agent service and SDK: real skill and template files on
// disk (PI_CONFIG_DIR, the project's .pi and a local pi package), a real extension, a real MCP
// server on loopback (its tools bridged as <server>__<tool>), the fake LLM
// recording what each session is offered. A toggle changes sessions built after it, never a live one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  configureFakeLlm,
  makeStackDirs,
  runDocExample,
  seedProject,
  startFakeLlm,
  startMcpHttpServer,
  startStack,
  type McpHttpFixture,
  type FakeLlm,
  type SeededProject,
  type Stack,
  type StackDirs,
} from '@pi-forge/test-fixtures';
import { expectError } from './files-support.js';
import { openStream, type SseClient } from './sse-client.js';

const API_KEY = 'test-key-resource-toggles-0123456789';

const skill = (name: string, description: string) => `---\nname: ${name}\ndescription: ${description}\n---\n\n# ${name}\n\nSteps.\n`;
const extension = (tool: string) => `
import { Type } from '@earendil-works/pi-ai';
export default function (pi) {
  pi.registerTool({ name: '${tool}', label: '${tool}', description: '${tool} probe', parameters: Type.Object({}),
    async execute() { return { content: [{ type: 'text', text: 'probe' }], details: {} }; } });
}
`;

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

type Json = Record<string, any>;

describe('skills, prompt templates and tools toggles', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let mcp: McpHttpFixture;
  let dirs: StackDirs;
  let project: SeededProject;
  let other: SeededProject;
  const clients: SseClient[] = [];
  let liveSessionId = '';

  const json = async (res: Response): Promise<{ status: number; body: Json }> => ({ status: res.status, body: (await res.json()) as Json });
  const get = async (path: string) => json(await stack.api(`/api/v1${path}`));
  const put = async (path: string, body: unknown) => json(await stack.api(`/api/v1${path}`, { method: 'PUT', json: body }));
  const del = async (path: string) => json(await stack.api(`/api/v1${path}`, { method: 'DELETE' }));

  /** A new session, prompted once; resolves with what the fake LLM received for that prompt. */
  async function ask(sessionId: string, text: string) {
    const c = await openStream(stack.baseUrl, sessionId, API_KEY);
    clients.push(c);
    const before = llm.requests.length;
    llm.enqueue({ text: ['ok', '.'] });
    const res = await stack.api(`/api/v1/sessions/${sessionId}/prompt`, { method: 'POST', json: { text } });
    assert.equal(res.status, 202, await res.text());
    await c.waitFor((e) => e.type === 'agent_end', 'agent_end', 60_000);
    c.close();
    const req = llm.requests[before]!;
    const body = req.body as { messages: { role: string; content: unknown }[]; tools?: { function: { name: string } }[] };
    return {
      tools: (body.tools ?? []).map((t) => t.function.name),
      system: body.messages
        .filter((m) => m.role === 'system' || m.role === 'developer')
        .map((m) => JSON.stringify(m.content))
        .join('\n'),
      lastUserText: req.lastUserText,
    };
  }

  async function newSession(projectId = project.id): Promise<string> {
    const created = await json(await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId } }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.sessionId as string;
  }

  before(async () => {
    llm = await startFakeLlm();
    mcp = await startMcpHttpServer({ label: 'remote' });
    dirs = makeStackDirs();
    const pkg = join(dirs.root, 'toggle-pkg');
    write(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'toggle-pkg', version: '1.0.0', pi: { extensions: ['./ext.ts'], skills: ['./skills'] } }),
    );
    write(join(pkg, 'ext.ts'), extension('pkg_tool'));
    write(join(pkg, 'skills', 'pkg-skill', 'SKILL.md'), skill('pkg-skill', 'Skill from the package PKG-SKILL-DESC'));
    configureFakeLlm(dirs.piConfig, llm, { packages: [pkg] });
    write(join(dirs.piConfig, 'skills', 'global-helper', 'SKILL.md'), skill('global-helper', 'Helps globally GLOBAL-SKILL-DESC'));
    write(join(dirs.piConfig, 'skills', 'no-description', 'SKILL.md'), '---\nname: no-description\n---\n\nbody\n');
    write(
      join(dirs.piConfig, 'prompts', 'review.md'),
      '---\ndescription: Review a file\nargument-hint: <file>\n---\nREVIEW-TEMPLATE-MARKER: please review $1 carefully.\n',
    );
    write(join(dirs.piConfig, 'extensions', 'probe.ts'), extension('probe_tool'));
    project = seedProject(dirs, 'demo', { 'README.md': 'demo\n' });
    other = seedProject(dirs, 'other', { 'README.md': 'other\n' });
    write(join(project.path, '.pi', 'skills', 'project-helper', 'SKILL.md'), skill('project-helper', 'Project only PROJECT-SKILL-DESC'));
    write(join(project.path, '.pi', 'prompts', 'deploy.md'), '---\ndescription: Deploy it\n---\nDEPLOY-TEMPLATE-MARKER $@\n');
    stack = await startStack({ name: 'resource-toggles', dirs, env: { API_KEY } });
    const added = await stack.api('/api/v1/mcp/servers/remote', { method: 'PUT', json: { url: mcp.url } });
    assert.equal(added.status, 200, await added.text());
    // Built before any toggle: keeps its tools and skills (V5).
    liveSessionId = await newSession();
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.dispose();
    await mcp?.close();
    await llm?.close();
  });

  it('lists the skills the SDK loads (global, project, package) with the diagnostics, all enabled', async () => {
    const { status, body } = await get(`/config/skills?projectId=${project.id}`);
    assert.equal(status, 200, JSON.stringify(body));
    const byName = Object.fromEntries((body.skills as Json[]).map((s) => [s.name, s]));
    assert.deepEqual(Object.keys(byName).sort(), ['global-helper', 'pkg-skill', 'project-helper']);
    assert.deepEqual(byName['global-helper'], {
      name: 'global-helper',
      description: 'Helps globally GLOBAL-SKILL-DESC',
      source: 'global',
      filePath: join(dirs.piConfig, 'skills', 'global-helper', 'SKILL.md'),
      enabled: true,
      effective: true,
      disableModelInvocation: false,
    });
    assert.equal(byName['project-helper'].source, 'project');
    assert.equal(byName['pkg-skill'].source, 'extension');
    assert.ok(String(byName['pkg-skill'].extensionPath).includes('toggle-pkg'), JSON.stringify(byName['pkg-skill']));
    const diag = (body.diagnostics as Json[]).find((d) => String(d.path ?? '').includes('no-description'));
    assert.ok(diag, `a diagnostic names the skill without a description: ${JSON.stringify(body.diagnostics)}`);
    assert.ok(['warning', 'error'].includes(diag.type));
    // Another project does not see this project's skill.
    const otherSkills = await get(`/config/skills?projectId=${other.id}`);
    assert.ok(!(otherSkills.body.skills as Json[]).some((s) => s.name === 'project-helper'));
  });

  it('lists the prompt templates with argumentHint; the tools by family with extension tools grouped by package', async () => {
    const prompts = await get(`/config/prompts?projectId=${project.id}`);
    assert.equal(prompts.status, 200);
    const review = (prompts.body.prompts as Json[]).find((p) => p.name === 'review')!;
    assert.deepEqual(review, {
      name: 'review',
      description: 'Review a file',
      argumentHint: '<file>',
      source: 'global',
      filePath: join(dirs.piConfig, 'prompts', 'review.md'),
      enabled: true,
      effective: true,
    });
    assert.equal((prompts.body.prompts as Json[]).find((p) => p.name === 'deploy')?.source, 'project');
    assert.deepEqual(prompts.body.diagnostics, []);

    const tools = await get(`/config/tools?projectId=${project.id}`);
    assert.equal(tools.status, 200);
    assert.deepEqual(
      (tools.body.builtin as Json[]).map((t) => t.name),
      ['read', 'bash', 'edit', 'write', 'grep', 'find', 'ls', 'ask_user_question', 'todo', 'process'],
    );
    assert.ok((tools.body.builtin as Json[]).every((t) => t.enabled === true && t.globalEnabled === true && t.description));
    const servers = tools.body.mcp as Json[];
    assert.deepEqual(
      servers.map((m) => [m.server, m.scope, m.enabled, m.state]),
      [['remote', 'global', true, 'connected']],
    );
    const echo = (servers[0]!.tools as Json[]).find((t) => t.name === 'remote__echo');
    assert.deepEqual(echo, { name: 'remote__echo', shortName: 'echo', description: echo?.description, enabled: true, globalEnabled: true });
    const ext = tools.body.extension as Json[];
    const pkgGroup = ext.find((e) => String(e.packageSource).includes('toggle-pkg'));
    assert.deepEqual(
      pkgGroup?.tools.map((t: Json) => t.name),
      ['pkg_tool'],
      JSON.stringify(ext),
    );
    assert.ok(ext.some((e) => String(e.packageSource).endsWith('probe.ts') && e.tools[0].name === 'probe_tool'));
    const global = await get('/config/tools');
    assert.equal(global.status, 200);
    assert.ok((global.body.extension as Json[]).some((e) => e.tools.some((t: Json) => t.name === 'probe_tool')));
  });

  it('a new session is offered the skills and tools; a template used as /name expands before it reaches the model', async () => {
    const seen = await ask(await newSession(), '/review src/main.ts');
    for (const t of ['read', 'bash', 'grep', 'probe_tool', 'pkg_tool'])
      assert.ok(seen.tools.includes(t), `${t} offered: ${seen.tools.join()}`);
    assert.ok(seen.system.includes('global-helper') && seen.system.includes('project-helper'), 'the skills are in the system prompt');
    assert.ok(seen.lastUserText.includes('REVIEW-TEMPLATE-MARKER: please review src/main.ts carefully.'), seen.lastUserText);
  });

  it('toggles globally (settings.json patterns) and per project (overrides files), with the cascade views', async () => {
    let res = await put(`/config/skills/global-helper/enabled?projectId=${project.id}`, { enabled: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const gh = (res.body.skills as Json[]).find((s) => s.name === 'global-helper')!;
    assert.deepEqual([gh.enabled, gh.effective, gh.projectOverride], [false, false, undefined]);
    const settings = JSON.parse(readFileSync(join(dirs.piConfig, 'settings.json'), 'utf8')) as Json;
    assert.deepEqual(settings.skills, ['!global-helper']);
    assert.equal(settings.defaultModel, 'fake-model', 'the other settings stay');

    res = await put(`/config/skills/global-helper/enabled?projectId=${other.id}`, { enabled: true, scope: 'project' });
    assert.equal(res.status, 200);
    const forOther = (res.body.skills as Json[]).find((s) => s.name === 'global-helper')!;
    assert.deepEqual([forOther.enabled, forOther.projectOverride, forOther.effective], [false, 'enabled', true]);

    res = await put(`/config/prompts/deploy/enabled?projectId=${project.id}`, { enabled: false, scope: 'project' });
    assert.equal(res.status, 200);
    assert.equal((res.body.prompts as Json[]).find((p) => p.name === 'deploy')!.effective, false);

    res = await put(`/config/tools/builtin/grep/enabled`, { enabled: false });
    assert.deepEqual(res, { status: 200, body: { family: 'builtin', name: 'grep', enabled: false, scope: 'global' } });
    res = await put(`/config/tools/extension/probe_tool/enabled?projectId=${project.id}`, { enabled: false, scope: 'project' });
    assert.deepEqual(res.body, { family: 'extension', name: 'probe_tool', enabled: false, scope: 'project', projectId: project.id });
    res = await put(`/config/tools/builtin/grep/enabled?projectId=${other.id}`, { enabled: true, scope: 'project' });
    assert.equal(res.status, 200);
    res = await put(`/config/tools/mcp/remote__echo/enabled?projectId=${project.id}`, { enabled: false, scope: 'project' });
    assert.equal(res.status, 200);

    const tools = await get(`/config/tools?projectId=${other.id}`);
    const grep = (tools.body.builtin as Json[]).find((t) => t.name === 'grep')!;
    assert.deepEqual([grep.enabled, grep.globalEnabled, grep.projectOverride], [true, false, 'enabled']);

    assert.deepEqual((await get('/config/skills/overrides')).body, {
      projects: { [other.id]: { enable: ['global-helper'], disable: [] } },
    });
    assert.deepEqual((await get('/config/prompts/overrides')).body, { projects: { [project.id]: { enable: [], disable: ['deploy'] } } });
    assert.deepEqual((await get('/config/tools/overrides')).body, {
      projects: {
        [project.id]: {
          builtin: { enable: [], disable: [] },
          mcp: { enable: [], disable: ['remote__echo'] },
          extension: { enable: [], disable: ['probe_tool'] },
        },
        [other.id]: {
          builtin: { enable: ['grep'], disable: [] },
          mcp: { enable: [], disable: [] },
          extension: { enable: [], disable: [] },
        },
      },
    });
    const toolFile = JSON.parse(readFileSync(join(dirs.data, 'tool-overrides.json'), 'utf8')) as Json;
    assert.deepEqual(toolFile.builtin, ['grep']);
    for (const f of ['skills-overrides.json', 'prompts-overrides.json', 'tool-overrides.json'])
      assert.equal(statSync(join(dirs.data, f)).mode & 0o777, 0o600, `${f} is 0600`);
  });

  it('a session created after the change lacks the disabled tool, skill and template; the live one keeps its set', async () => {
    const fresh = await ask(await newSession(), '/deploy now');
    assert.ok(!fresh.tools.includes('grep'), `grep is not offered: ${fresh.tools.join()}`);
    assert.ok(!fresh.tools.includes('probe_tool'), 'the project-disabled extension tool is not offered');
    assert.ok(!fresh.tools.includes('remote__echo'), 'the project-disabled MCP tool is not offered');
    assert.ok(fresh.tools.includes('read') && fresh.tools.includes('pkg_tool') && fresh.tools.includes('remote__whoami'), 'the rest stays');
    assert.ok(!fresh.system.includes('global-helper'), 'the disabled skill is not in the system prompt');
    assert.ok(fresh.system.includes('project-helper'));
    assert.equal(fresh.lastUserText, '/deploy now', 'a disabled template is not expanded');

    const live = await ask(liveSessionId, 'still there?');
    assert.ok(
      live.tools.includes('grep') && live.tools.includes('probe_tool') && live.tools.includes('remote__echo'),
      `the live session keeps its tools: ${live.tools.join()}`,
    );
    assert.ok(live.system.includes('global-helper'), 'and its skills');

    // The other project's override turns grep and the skill back on there.
    const elsewhere = await ask(await newSession(other.id), 'hello');
    assert.ok(elsewhere.tools.includes('grep') && elsewhere.system.includes('global-helper'));
  });

  it('DELETE clears a project override (idempotent for tools) and the project inherits again', async () => {
    let res = await del(`/config/skills/global-helper/enabled?projectId=${other.id}`);
    assert.equal(res.status, 200);
    const gh = (res.body.skills as Json[]).find((s) => s.name === 'global-helper')!;
    assert.deepEqual([gh.projectOverride, gh.effective], [undefined, false]);
    res = await del(`/config/prompts/deploy/enabled?projectId=${project.id}`);
    assert.equal((res.body.prompts as Json[]).find((p) => p.name === 'deploy')!.effective, true);
    for (let i = 0; i < 2; i++) {
      res = await del(`/config/tools/builtin/grep/enabled?projectId=${other.id}`);
      assert.deepEqual(res, { status: 200, body: { family: 'builtin', name: 'grep', projectId: other.id } });
    }
    assert.equal(
      ((await get(`/config/tools?projectId=${other.id}`)).body.builtin as Json[]).find((t) => t.name === 'grep')!.enabled,
      false,
    );
    assert.deepEqual((await get('/config/skills/overrides')).body, { projects: {} });
    res = await put(`/config/skills/global-helper/enabled?projectId=${project.id}`, { enabled: true });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(readFileSync(join(dirs.piConfig, 'settings.json'), 'utf8')).skills, undefined, 'the pattern list is gone');
  });

  it('concurrent toggles all land, atomically (no temp files left, the file always parses)', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `tool_${i}`);
    const results = await Promise.all(names.map((n) => put(`/config/tools/mcp/srv__${n}/enabled`, { enabled: false })));
    assert.ok(results.every((r) => r.status === 200));
    const doc = JSON.parse(readFileSync(join(dirs.data, 'tool-overrides.json'), 'utf8')) as Json;
    assert.deepEqual([...doc.mcp].sort(), names.map((n) => `srv__${n}`).sort());
    assert.deepEqual(
      readdirSync(dirs.data).filter((f) => f.endsWith('.tmp')),
      [],
    );
    await Promise.all(names.map((n) => put(`/config/tools/mcp/srv__${n}/enabled`, { enabled: true })));
    assert.deepEqual(JSON.parse(readFileSync(join(dirs.data, 'tool-overrides.json'), 'utf8')).mcp, []);
  });

  it('every bad input is a clear 4xx and writes nothing', async () => {
    const before = readFileSync(join(dirs.data, 'tool-overrides.json'), 'utf8');
    const missing = '00000000-0000-4000-8000-000000000000';
    const cases: [string, string, unknown, number, string][] = [
      ['GET', '/config/skills', undefined, 400, 'validation_failed'],
      ['GET', `/config/skills?projectId=${missing}`, undefined, 404, 'project_not_found'],
      ['GET', `/config/prompts?projectId=${missing}`, undefined, 404, 'project_not_found'],
      ['GET', `/config/tools?projectId=${missing}`, undefined, 404, 'project_not_found'],
      ['PUT', `/config/skills/nope/enabled?projectId=${project.id}`, { enabled: false }, 404, 'skill_not_found'],
      ['PUT', `/config/prompts/nope/enabled?projectId=${project.id}`, { enabled: false }, 404, 'prompt_not_found'],
      ['DELETE', `/config/skills/nope/enabled?projectId=${project.id}`, undefined, 404, 'skill_not_found'],
      ['DELETE', `/config/prompts/nope/enabled?projectId=${project.id}`, undefined, 404, 'prompt_not_found'],
      ['PUT', `/config/skills/global-helper/enabled?projectId=${missing}`, { enabled: false }, 404, 'project_not_found'],
      ['PUT', `/config/skills/global-helper/enabled`, { enabled: false }, 400, 'validation_failed'],
      ['PUT', `/config/skills/global-helper/enabled?projectId=${project.id}`, { enabled: 'no' }, 400, 'validation_failed'],
      ['PUT', `/config/prompts/review/enabled?projectId=${project.id}`, { enabled: true, scope: 'world' }, 400, 'validation_failed'],
      ['PUT', '/config/tools/plugins/read/enabled', { enabled: false }, 400, 'validation_failed'],
      ['PUT', '/config/tools/builtin/read/enabled', { enabled: false, scope: 'project' }, 400, 'missing_project_id'],
      ['PUT', `/config/tools/builtin/read/enabled?projectId=${missing}`, { enabled: false, scope: 'project' }, 404, 'project_not_found'],
      ['PUT', '/config/tools/builtin/read/enabled', {}, 400, 'validation_failed'],
      ['DELETE', '/config/tools/builtin/read/enabled', undefined, 400, 'validation_failed'],
      ['DELETE', `/config/tools/builtin/read/enabled?projectId=${missing}`, undefined, 404, 'project_not_found'],
      ['DELETE', '/config/tools/nope/read/enabled?projectId=x', undefined, 400, 'validation_failed'],
      ['PUT', '/config/tools/builtin/%01bad/enabled', { enabled: false }, 400, 'validation_failed'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await stack.api(`/api/v1${path}`, { method, ...(body === undefined ? {} : { json: body }) });
      await expectError(res, status, code).catch((err: Error) => assert.fail(`${method} ${path}: ${err.message}`));
    }
    assert.equal(readFileSync(join(dirs.data, 'tool-overrides.json'), 'utf8'), before, 'nothing written');
    const noAuth = await fetch(`${stack.baseUrl}/api/v1/config/tools/builtin/read/enabled`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"enabled":false}',
    });
    assert.equal(noAuth.status, 401);
  });

  it('the docs/api.md example runs as written', async () => {
    const run = await runDocExample('toggles/tools', { PI_FORGE_URL: stack.baseUrl, PI_FORGE_API_KEY: API_KEY, PROJECT_ID: project.id });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes('"name": "bash"') || run.stdout.includes('"name":"bash"'), run.stdout);
    assert.ok(run.stdout.includes('"scope":"project"') || run.stdout.includes('"scope": "project"'), run.stdout);
  });
});
