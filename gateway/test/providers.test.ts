// /config/auth|providers|models|settings: keys go in and never come out (responses or logs),
// files are written atomically with auth.json at 0600, and the agent's bash never sees them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
import { openStream, type SseClient } from './sse-client.js';

const API_KEY = 'test-key-providers-0123456789abcdef';
const STORED_KEY = 'sk-stored-secret-0001';
const NEW_KEY = 'sk-models-secret-0002';
const AMBIENT_KEY = 'sk-ambient-openai-0003';
const REDACTED = '***REDACTED***';

describe('providers and config', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const clients: SseClient[] = [];
  const bodies: string[] = [];

  const call = async (method: string, path: string, json?: unknown) => {
    const res = await stack.api(`/api/v1${path}`, { method, ...(json !== undefined ? { json } : {}) });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };
  const runOnce = async (text: string) => {
    const created = await call('POST', '/sessions', { projectId: project.id });
    const id = created.body!.sessionId as string;
    const c = await openStream(stack.baseUrl, id, API_KEY);
    clients.push(c);
    await c.waitFor((e) => e.type === 'snapshot', 'snapshot');
    const res = await call('POST', `/sessions/${id}/prompt`, { text });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await c.waitFor((e) => e.type === 'agent_end', 'agent_end');
    return c;
  };

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'config');
    stack = await startStack({
      name: 'providers',
      dirs,
      env: { API_KEY, OPENAI_API_KEY: AMBIENT_KEY, ANTHROPIC_API_KEY: '', RATE_LIMIT_PROMPT_MAX: '4' },
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.dispose();
    await llm?.close();
  });

  it('auth: keys are stored 0600, listed by presence only, used by new sessions, deletable once', async () => {
    assert.deepEqual((await call('GET', '/config/auth')).body, { providers: {} });
    const put = await call('PUT', '/config/auth/fake', { apiKey: STORED_KEY });
    assert.deepEqual([put.status, put.body], [200, { provider: 'fake', configured: true }]);
    const file = join(stack.dirs.piConfig, 'auth.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { fake: { type: 'api_key', key: STORED_KEY } });
    assert.deepEqual((await call('GET', '/config/auth')).body, {
      providers: { fake: { configured: true, source: 'stored', label: 'Stored API key' } },
    });

    llm.reset();
    await runOnce('which key [no-tool]');
    assert.equal(llm.requests[0]!.auth, STORED_KEY, 'auth.json wins over the models.json key');

    assert.equal((await call('PUT', '/config/auth/fake', {})).status, 400);
    assert.equal((await call('PUT', '/config/auth/fake', { apiKey: '' })).status, 400);
    assert.equal((await call('PUT', '/config/auth/bad%20id', { apiKey: 'x' })).body!.error, 'invalid_provider');
    assert.equal((await call('DELETE', '/config/auth/fake')).status, 204);
    const again = await call('DELETE', '/config/auth/fake');
    assert.deepEqual([again.status, again.body!.error], [404, 'auth_provider_not_found']);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), {});
  });

  it('models: apiKey redacted on read, the sentinel keeps the stored secret, bad documents change nothing', async () => {
    const path = join(stack.dirs.piConfig, 'models.json');
    const got = await call('GET', '/config/models');
    assert.equal(got.body!.providers.fake.apiKey, REDACTED);
    assert.equal(got.body!.providers.fake.models[0].id, 'fake-model');
    const providers = {
      ...got.body!.providers,
      extra: {
        baseUrl: `${llm.baseUrl}/v1`,
        api: 'openai-completions',
        apiKey: NEW_KEY,
        models: [
          {
            id: 'x-model',
            name: 'X',
            reasoning: true,
            input: ['text'],
            contextWindow: 1000,
            maxTokens: 100,
            cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
          },
        ],
      },
    };
    const put = await call('PUT', '/config/models', { providers });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body!.providers.extra.apiKey, REDACTED);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { providers: Record<string, { apiKey: string }> };
    assert.equal(stored.providers.fake!.apiKey, 'sk-fake-key', 'sentinel kept the old key');
    assert.equal(stored.providers.extra!.apiKey, NEW_KEY);

    const before = readFileSync(path, 'utf8');
    for (const body of [{}, { providers: 'x' }, { providers: { a: 5 } }, { providers: [] }]) {
      const res = await call('PUT', '/config/models', body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal(readFileSync(path, 'utf8'), before);

    const list = await call('GET', '/config/providers');
    const byId = new Map((list.body!.providers as { provider: string; models: Record<string, any>[] }[]).map((p) => [p.provider, p]));
    assert.deepEqual(byId.get('fake')!.models[0], {
      id: 'fake-model',
      name: 'Fake fake-model',
      contextWindow: 32000,
      maxTokens: 4096,
      reasoning: false,
      input: ['text', 'image'],
      hasAuth: true,
      supportedThinkingLevels: ['off'],
    });
    assert.deepEqual(byId.get('extra')!.models[0]!.supportedThinkingLevels, ['off', 'minimal', 'low', 'medium', 'high']);
    assert.ok(byId.has('anthropic'), 'built-in providers are listed');
  });

  it('switching to a model whose provider has no key answers 400 no_api_key and keeps the old model', async () => {
    const list = await call('GET', '/config/providers');
    const anthropic = (list.body!.providers as { provider: string; models: { id: string; hasAuth: boolean }[] }[]).find(
      (p) => p.provider === 'anthropic',
    )!;
    assert.equal(anthropic.models[0]!.hasAuth, false);
    const created = await call('POST', '/sessions', { projectId: project.id });
    const id = created.body!.sessionId as string;
    const res = await call('POST', `/sessions/${id}/model`, { provider: 'anthropic', modelId: anthropic.models[0]!.id });
    assert.equal(res.status, 400);
    assert.equal(res.body!.error, 'no_api_key');
    assert.match(res.body!.message, /PUT \/api\/v1\/config\/auth\/anthropic/);
    assert.equal((await call('GET', `/sessions/${id}`)).body!.modelProvider, 'fake');
  });

  it('settings: shallow merge, null deletes, non-objects refused', async () => {
    const before = (await call('GET', '/config/settings')).body!;
    assert.equal(before.defaultProvider, 'fake');
    const merged = await call('PUT', '/config/settings', { defaultThinkingLevel: 'low', theme: 'dark' });
    assert.equal(merged.body!.defaultThinkingLevel, 'low');
    assert.equal(merged.body!.theme, 'dark');
    assert.deepEqual(merged.body!.retry, before.retry, 'other keys untouched');
    const deleted = await call('PUT', '/config/settings', { theme: null });
    assert.ok(!('theme' in deleted.body!));
    assert.equal((await call('PUT', '/config/settings', [1, 2])).status, 400);
    assert.deepEqual(JSON.parse(readFileSync(join(stack.dirs.piConfig, 'settings.json'), 'utf8')), deleted.body);
  });

  it('the agent bash tool gets a scrubbed environment: no provider keys', async () => {
    llm.enqueue({ tool: { name: 'bash', args: { command: 'env' } } });
    const c = await runOnce('print the environment');
    const end = c.events.find((e) => e.type === 'tool_execution_end')!;
    const output = JSON.stringify(end.data.result);
    assert.match(output, /PATH=/);
    assert.ok(!output.includes(AMBIENT_KEY), 'OPENAI_API_KEY of the service is not in the tool env');
    assert.ok(!output.includes('OPENAI_API_KEY'));
    assert.ok(!output.includes(API_KEY));
    // The agent process itself never holds the gateway's secrets (the launcher scopes env per process).
    const environ = readFileSync(`/proc/${stack.pid('agent')}/environ`, 'utf8').split('\0');
    assert.ok(
      !environ.some((kv) => kv.startsWith('API_KEY=') || kv.startsWith('JWT_SECRET=')),
      'no API_KEY or JWT_SECRET in the agent env',
    );
    assert.ok(environ.includes(`OPENAI_API_KEY=${AMBIENT_KEY}`), 'provider keys do reach the agent process (the SDK may use them)');
  });

  it('prompts are rate limited per client (RATE_LIMIT_PROMPT_MAX)', async () => {
    // Two prompts ran above; the limit is 4 per window, so at most two more pass.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await stack.api('/api/v1/sessions/no-such-session/prompt', { method: 'POST', json: { text: 'x' } });
      statuses.push(res.status);
      if (res.status === 429) {
        const body = (await res.json()) as { statusCode: number; error: string; message: string };
        assert.equal(body.error, 'Too Many Requests');
        assert.match(body.message, /Rate limit exceeded/);
      }
    }
    assert.deepEqual(statuses, [404, 404, 429, 429]);
  });

  it('no secret appears in any response or log line', () => {
    const logs = stack.rawLog.join('\n');
    for (const secret of [STORED_KEY, NEW_KEY, AMBIENT_KEY, 'sk-fake-key']) {
      assert.ok(!bodies.some((b) => b.includes(secret)), `${secret} in a response`);
      assert.ok(!logs.includes(secret), `${secret} in the logs`);
    }
  });
});
