import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { triStateOf, useResourceTogglesStore } from './resource-toggles';

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const skill = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: `${name} skill`,
  source: 'global',
  filePath: `/pi/skills/${name}/SKILL.md`,
  enabled: true,
  effective: true,
  disableModelInvocation: false,
  ...extra,
});

let calls: { url: string; method: string; body?: unknown }[] = [];

beforeEach(() => {
  setActivePinia(createPinia());
  calls = [];
});
afterEach(() => vi.unstubAllGlobals());

function serve(handler: (url: string, method: string) => unknown) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      calls.push({ url, method, body: init.body ? JSON.parse(init.body as string) : undefined });
      return json(handler(url, method));
    }),
  );
}

describe('resource toggles store', () => {
  it('reads the tri-state of an item', () => {
    expect(triStateOf({})).toBe('inherit');
    expect(triStateOf({ projectOverride: 'enabled' })).toBe('on');
    expect(triStateOf({ projectOverride: 'disabled' })).toBe('off');
  });

  it('loads the skills of a project and toggles one globally and per project (inherit clears the override)', async () => {
    serve((url, method) => {
      if (method === 'GET') return { skills: [skill('a')], diagnostics: [{ type: 'warning', message: 'w' }] };
      if (method === 'DELETE') return { skills: [skill('a')] };
      return { skills: [skill('a', { enabled: false, effective: false })] };
    });
    const store = useResourceTogglesStore();
    await store.loadSkills('p1');
    expect(store.skills.map((s) => s.name)).toEqual(['a']);
    expect(store.skillDiagnostics[0]!.message).toBe('w');
    await store.setSkillGlobal('a', false);
    expect(store.skills[0]!.effective).toBe(false);
    await store.setSkillProject('a', 'on');
    await store.setSkillProject('a', 'inherit');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/v1/config/skills?projectId=p1',
      'PUT /api/v1/config/skills/a/enabled?projectId=p1',
      'PUT /api/v1/config/skills/a/enabled?projectId=p1',
      'DELETE /api/v1/config/skills/a/enabled?projectId=p1',
    ]);
    expect(calls[1]!.body).toEqual({ enabled: false, scope: 'global' });
    expect(calls[2]!.body).toEqual({ enabled: true, scope: 'project' });
  });

  it('offers only the effective prompt templates to the / menu, loading once per project', async () => {
    serve(() => ({
      prompts: [
        {
          name: 'review',
          description: 'Review a file',
          argumentHint: '<file>',
          source: 'global',
          filePath: '/r.md',
          enabled: true,
          effective: true,
        },
        { name: 'off', description: 'Disabled', source: 'global', filePath: '/o.md', enabled: false, effective: false },
      ],
      diagnostics: [],
    }));
    const store = useResourceTogglesStore();
    await store.ensurePrompts('p1');
    await store.ensurePrompts('p1');
    expect(calls).toHaveLength(1);
    expect(store.templateCommands).toEqual([{ name: '/review', help: '<file> · Review a file' }]);
    await store.ensurePrompts('p2');
    expect(calls).toHaveLength(2);
  });

  it('toggles a tool per project and reloads the list; a project action needs a project', async () => {
    serve((url, method) => (method === 'GET' ? { builtin: [], mcp: [], extension: [] } : {}));
    const store = useResourceTogglesStore();
    await expect(store.setToolProject('builtin', 'bash', 'off')).rejects.toThrow(/project/);
    await store.loadTools('p1');
    await store.setToolProject('builtin', 'bash', 'off');
    await store.setToolProject('mcp', 'srv__x', 'inherit');
    await store.setToolGlobal('extension', 'probe', false);
    expect(calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.url} ${JSON.stringify(c.body ?? null)}`)).toEqual([
      'PUT /api/v1/config/tools/builtin/bash/enabled?projectId=p1 {"enabled":false,"scope":"project"}',
      'DELETE /api/v1/config/tools/mcp/srv__x/enabled?projectId=p1 null',
      'PUT /api/v1/config/tools/extension/probe/enabled?projectId=p1 {"enabled":false,"scope":"global"}',
    ]);
  });
});
