// Webhooks end to end (§2.12, §11.2, docs/webhooks.md): the real stack, a real HTTP receiver on
// 127.0.0.1 that checks every signature, deliveries born from a real fake-LLM run, retries and
// their history, a 4xx that is not retried, a kill -9 of the agent service (the sender) while
// deliveries are queued, bad inputs, MINIMAL_UI, and secrets that never reach a response or a log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  configureFakeLlm,
  makeStackDirs,
  runDocExample,
  seedProject,
  startFakeLlm,
  startStack,
  startWebhookReceiver,
  validSignature,
  waitFor,
  type FakeLlm,
  type SeededProject,
  type Stack,
  type WebhookReceiver,
} from '@pi-forge/test-fixtures';
import { expectError, jsonOf } from './files-support.js';

const API_KEY = 'test-key-webhooks-0123456789abcdef';
const SECRET = 'whsec-e2e-must-never-leak-8c1f2a';
const HEADER_SECRET = 'Bearer header-value-must-never-leak-77d3';
const REDACTED = '***REDACTED***';

describe('webhooks', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  let receiver: WebhookReceiver;
  const bodies: string[] = [];

  const call = async (method: string, path: string, json?: unknown) => {
    const res = await stack.api(`/api/v1${path}`, { method, ...(json !== undefined ? { json } : {}) });
    const text = await res.clone().text();
    bodies.push(text);
    return res;
  };
  const create = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/webhooks', { name: 'hook', events: ['session_created'], scope: { kind: 'global' }, ...body });
    assert.equal(res.status, 201, await res.clone().text());
    return jsonOf<Record<string, any>>(res);
  };
  const deliveries = async (id: string) =>
    (await jsonOf<{ deliveries: Record<string, any>[] }>(await call('GET', `/webhooks/${id}/deliveries`))).deliveries;
  const queued = () => (existsSync(join(stack.dirs.data, 'webhook-queue')) ? readdirSync(join(stack.dirs.data, 'webhook-queue')) : []);
  /** Every request to `path` carries the pi-forge headers and a valid signature for SECRET. */
  const assertSigned = (path: string) => {
    for (const r of receiver.at(path)) {
      assert.ok(validSignature(SECRET, r.rawBody, r.headers['x-pi-forge-signature']), `signature of ${r.body.event}`);
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(r.headers['user-agent'], 'pi-forge-webhook/1.0');
      assert.equal(r.headers['x-pi-forge-event'], r.body.event);
      assert.equal(r.headers['x-pi-forge-delivery'], r.body.deliveryId);
    }
  };

  before(async () => {
    receiver = await startWebhookReceiver();
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'hooked', { 'README.md': 'webhooks\n' });
    stack = await startStack({ name: 'webhooks', dirs, env: { API_KEY } });
  });
  after(async () => {
    await stack?.dispose();
    await llm?.close();
    await receiver?.close();
  });

  it('CRUD keeps secrets inside: hasSecret, redacted headers, the sentinel keeps a value, empty clears; files are 0600', async () => {
    const hook = await create({
      name: 'CRUD',
      url: `${receiver.url}/crud`,
      events: ['agent_end', 'session_deleted'],
      scope: { kind: 'project', projectId: project.id },
      secret: SECRET,
      headers: { Authorization: HEADER_SECRET, 'X-Team': 'forge' },
      insecureTls: true,
    });
    assert.deepEqual(Object.keys(hook).sort(), [
      'createdAt',
      'enabled',
      'events',
      'hasSecret',
      'headers',
      'id',
      'insecureTls',
      'name',
      'scope',
      'url',
    ]);
    assert.equal(hook.hasSecret, true);
    assert.deepEqual(hook.headers, { Authorization: REDACTED, 'X-Team': REDACTED });
    assert.deepEqual(hook.scope, { kind: 'project', projectId: project.id });
    assert.equal(hook.enabled, true);
    assert.equal(statSync(join(stack.dirs.data, 'webhooks.json')).mode & 0o777, 0o600);

    const list = async (q = '') => (await jsonOf<{ webhooks: Record<string, any>[] }>(await call('GET', `/webhooks${q}`))).webhooks;
    assert.ok((await list()).some((w) => w.id === hook.id));
    assert.ok((await list(`?projectId=${project.id}`)).some((w) => w.id === hook.id));
    assert.ok(!(await list('?projectId=another-project')).some((w) => w.id === hook.id), 'a project filter hides other projects');

    let res = await call('PATCH', `/webhooks/${hook.id}`, { name: 'Renamed', headers: { Authorization: REDACTED, 'X-New': 'n' } });
    assert.equal(res.status, 200);
    const patched = await jsonOf<Record<string, any>>(res);
    assert.equal(patched.name, 'Renamed');
    assert.equal(patched.hasSecret, true, 'an omitted secret stays');
    assert.deepEqual(patched.headers, { Authorization: REDACTED, 'X-New': REDACTED });
    const stored = JSON.parse(readFileSync(join(stack.dirs.data, 'webhooks.json'), 'utf8')) as Record<string, any>[];
    assert.deepEqual(
      stored.find((w) => w.id === hook.id)!.headers,
      { Authorization: HEADER_SECRET, 'X-New': 'n' },
      'the sentinel kept the stored value',
    );

    res = await call('PATCH', `/webhooks/${hook.id}`, { secret: '', headers: {}, insecureTls: false, enabled: false });
    const cleared = await jsonOf<Record<string, any>>(res);
    assert.equal(cleared.hasSecret, false);
    assert.equal('headers' in cleared, false);
    assert.equal('insecureTls' in cleared, false);
    assert.equal(cleared.enabled, false);

    assert.equal((await call('DELETE', `/webhooks/${hook.id}`)).status, 204);
    await expectError(await call('DELETE', `/webhooks/${hook.id}`), 404, 'webhook_not_found');
    await expectError(await call('PATCH', `/webhooks/${hook.id}`, { name: 'x' }), 404, 'webhook_not_found');
    await expectError(await call('POST', `/webhooks/${hook.id}/test`), 404, 'webhook_not_found');
    await expectError(await call('GET', `/webhooks/${hook.id}/deliveries`), 404, 'webhook_not_found');
  });

  it('refuses bad input with clear codes and stores nothing', async () => {
    const before = readFileSync(join(stack.dirs.data, 'webhooks.json'), 'utf8');
    const base = { name: 'bad', url: `${receiver.url}/bad`, events: ['agent_end'], scope: { kind: 'global' } };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, url: 'not a url' }, 'invalid_url'],
      [{ ...base, url: 'ftp://127.0.0.1/x' }, 'unsupported_protocol'],
      [{ ...base, url: 'file:///etc/passwd' }, 'unsupported_protocol'],
      [{ ...base, url: `http://user:pass@127.0.0.1/x` }, 'invalid_url'],
      [{ ...base, name: '' }, 'invalid_name'],
      [{ ...base, name: 'n'.repeat(201) }, 'invalid_name'],
      [{ ...base, events: [] }, 'no_events'],
      [{ ...base, events: ['agent_end', 'made_up'] }, 'no_events'],
      [{ ...base, secret: REDACTED }, 'invalid_secret'],
      [{ ...base, secret: 's'.repeat(257) }, 'invalid_secret'],
      [{ ...base, headers: { 'X-A': REDACTED } }, 'invalid_header'],
      [{ ...base, headers: { 'X-A': 'a\r\nX-Injected: 1' } }, 'invalid_header'],
      [{ ...base, headers: { 'X-A': 42 } }, 'invalid_header'],
      [{ ...base, scope: { kind: 'team' } }, 'validation_failed'],
      [{ ...base, scope: { kind: 'project' } }, 'validation_failed'],
      [{ ...base, enabled: 'yes' }, 'validation_failed'],
    ];
    for (const [body, code] of cases) await expectError(await call('POST', '/webhooks', body), 400, code);
    assert.equal(readFileSync(join(stack.dirs.data, 'webhooks.json'), 'utf8'), before);
  });

  it('a real run delivers session_created, agent_end and session_deleted, signed; other projects and events see nothing', async () => {
    const hook = await create({
      url: `${receiver.url}/run`,
      events: ['session_created', 'agent_end', 'session_deleted'],
      secret: SECRET,
      headers: { 'X-Team': 'forge' },
    });
    const elsewhere = await create({
      url: `${receiver.url}/elsewhere`,
      events: ['session_created'],
      scope: { kind: 'project', projectId: 'some-other-project' },
    });
    const created = await jsonOf<{ sessionId: string }>(await call('POST', '/sessions', { projectId: project.id }));
    assert.equal((await call('POST', `/sessions/${created.sessionId}/prompt`, { text: 'Say something short [no-tool]' })).status, 202);
    await receiver.waitFor('agent_end delivered', () => receiver.at('/run').some((r) => r.body.event === 'agent_end'));
    assert.equal((await call('DELETE', `/sessions/${created.sessionId}`)).status, 204);
    await receiver.waitFor('session_deleted delivered', () => receiver.at('/run').some((r) => r.body.event === 'session_deleted'));

    const run = receiver.at('/run');
    assert.deepEqual(
      run.map((r) => r.body.event),
      ['session_created', 'agent_end', 'session_deleted'],
    );
    assertSigned('/run');
    for (const r of run) {
      assert.equal(r.body.sessionId, created.sessionId);
      assert.equal(r.body.projectId, project.id);
      assert.equal(r.headers['x-team'], 'forge');
    }
    const [sc, end, sd] = run;
    assert.deepEqual(sc!.body.data, { workspacePath: project.path });
    assert.equal(end!.body.data.stopReason, 'stop');
    assert.equal(end!.body.data.errorMessage, null);
    assert.equal(end!.body.data.assistantText, 'Plain answer without tools.');
    assert.equal(end!.body.data.model, 'fake-model');
    assert.equal(typeof end!.body.data.provider, 'string');
    assert.equal(typeof end!.body.data.usage, 'object');
    assert.deepEqual(sd!.body.data, { wasLive: true });

    const history = await deliveries(hook.id);
    assert.deepEqual(
      history.map((d) => [d.event, d.status, d.statusCode, d.attempt]),
      [
        ['session_deleted', 'delivered', 200, 1],
        ['agent_end', 'delivered', 200, 1],
        ['session_created', 'delivered', 200, 1],
      ],
    );
    // Queued at the same moment as /run's session_created, so once that arrived nothing can still be on its way.
    assert.equal(receiver.at('/elsewhere').length, 0);
    assert.deepEqual(await deliveries(elsewhere.id), []);
    for (const id of [hook.id, elsewhere.id]) await call('DELETE', `/webhooks/${id}`);
  });

  it('retries a failing receiver (500, 500, then 200) and the history shows every attempt', async () => {
    receiver.script('/flaky', [500, 500, 200]);
    const hook = await create({ name: 'Flaky', url: `${receiver.url}/flaky`, secret: SECRET });
    assert.deepEqual(await jsonOf(await call('POST', `/webhooks/${hook.id}/test`)), { queued: true });
    const got = await receiver.waitFor('third attempt', () => receiver.at('/flaky').length >= 3);
    const flaky = got.filter((r) => r.path === '/flaky');
    assert.equal(new Set(flaky.map((r) => r.body.deliveryId)).size, 1, 'one logical delivery');
    assert.ok(
      flaky.every((r) => r.rawBody === flaky[0]!.rawBody),
      'the same signed bytes every time',
    );
    assert.deepEqual(flaky[0]!.body.data, { message: 'This is a test event from pi-forge.', webhookId: hook.id, webhookName: 'Flaky' });
    assert.equal(flaky[0]!.body.event, 'webhook.test');
    assertSigned('/flaky');
    const history = await waitFor('three recorded attempts', async () =>
      (await deliveries(hook.id)).length === 3 ? deliveries(hook.id) : undefined,
    );
    assert.deepEqual(
      history.map((d) => [d.attempt, d.status, d.statusCode, d.errorPreview ?? null]),
      [
        [3, 'delivered', 200, null],
        [2, 'error', 500, 'receiver says 500'],
        [1, 'error', 500, 'receiver says 500'],
      ],
    );
    assert.ok(history.every((d) => typeof d.durationMs === 'number' && !Number.isNaN(Date.parse(d.requestedAt))));
  });

  it('does not retry a 4xx: one attempt, recorded as failed, nothing left queued', async () => {
    receiver.script('/gone', [404]);
    const hook = await create({ url: `${receiver.url}/gone` });
    await call('POST', `/webhooks/${hook.id}/test`);
    const [only] = await waitFor('the failed attempt recorded', async () => {
      const d = await deliveries(hook.id);
      return d.length ? d : undefined;
    });
    assert.deepEqual([only!.status, only!.statusCode, only!.attempt], ['failed', 404, 1]);
    // The queue entry goes only after the final outcome: an empty queue means no retry is pending.
    await waitFor('queue drained', () => !queued().some((f) => f.startsWith(only!.deliveryId)));
    assert.equal(receiver.at('/gone').length, 1);
    assert.equal((await deliveries(hook.id)).length, 1);
  });

  it('a kill -9 of the agent service with deliveries queued loses none: the restarted service sends them all', async () => {
    receiver.script('/slow', 'hold');
    const hook = await create({ name: 'Slow', url: `${receiver.url}/slow`, secret: SECRET });
    for (let i = 0; i < 3; i++) await call('POST', `/webhooks/${hook.id}/test`);
    await receiver.waitFor('three held attempts', () => receiver.at('/slow').length >= 3);
    const held = receiver.at('/slow');
    const ids = new Set(held.map((r) => r.body.deliveryId));
    assert.equal(ids.size, 3);
    assert.equal(queued().filter((f) => f.endsWith('.json')).length, 3, 'each is on disk while its attempt is in flight');
    const oldPid = await stack.kill9('agent');
    receiver.release();
    await waitFor('agent restarted', () => stack.pid('agent') !== oldPid, 30_000);
    await receiver.waitFor(
      'every delivery answered 200 after the restart',
      () => [...ids].every((id) => receiver.at('/slow').some((r) => r.body.deliveryId === id && r.answered === 200 && !held.includes(r))),
      60_000,
    );
    assertSigned('/slow');
    const history = await waitFor('three delivered records', async () => {
      const d = await deliveries(hook.id);
      return d.filter((x) => x.status === 'delivered').length === 3 ? d : undefined;
    });
    assert.deepEqual(new Set(history.map((d) => d.deliveryId)), ids, 'redelivered under the same deliveryId');
    await waitFor('queue drained', () => queued().length === 0);
  });

  it('the docs/api.md example creates and test-fires a webhook as written', async () => {
    const before = receiver.at('/docs').length;
    const run = await runDocExample('webhooks/create-and-test', {
      PI_FORGE_URL: stack.baseUrl,
      PI_FORGE_API_KEY: API_KEY,
      RECEIVER_URL: `${receiver.url}/docs`,
    });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    await receiver.waitFor('the example delivery', () => receiver.at('/docs').length > before);
    assert.equal(receiver.at('/docs').at(-1)!.body.event, 'webhook.test');
    assert.ok(
      validSignature(
        'my-signing-secret',
        receiver.at('/docs').at(-1)!.rawBody,
        receiver.at('/docs').at(-1)!.headers['x-pi-forge-signature'],
      ),
    );
  });

  it('OpenAPI lists every webhook route under the webhooks tag, with the body schema', async () => {
    const doc = await jsonOf<Record<string, any>>(await fetch(`${stack.baseUrl}/api/docs/json`));
    const routes: [string, string][] = [
      ['/api/v1/webhooks', 'get'],
      ['/api/v1/webhooks', 'post'],
      ['/api/v1/webhooks/{id}', 'patch'],
      ['/api/v1/webhooks/{id}', 'delete'],
      ['/api/v1/webhooks/{id}/test', 'post'],
      ['/api/v1/webhooks/{id}/deliveries', 'get'],
    ];
    for (const [path, method] of routes) assert.deepEqual(doc.paths[path]?.[method]?.tags, ['webhooks'], `${method} ${path}`);
    const schema = doc.components.schemas.CreateWebhookDto;
    for (const field of ['name', 'url', 'events', 'scope', 'secret', 'headers', 'insecureTls', 'enabled'])
      assert.ok(field in schema.properties, field);
  });

  it('no secret or header value in any response or log line', async () => {
    await stack.logsSettled();
    for (const text of [...bodies, ...stack.rawLog]) {
      assert.ok(!text.includes(SECRET), `secret leaked: ${text.slice(0, 200)}`);
      assert.ok(!text.includes(HEADER_SECRET), `header value leaked: ${text.slice(0, 200)}`);
    }
    for (const file of ['webhooks.json', 'webhook-deliveries.json'])
      assert.equal(statSync(join(stack.dirs.data, file)).mode & 0o777, 0o600, file);
  });
});

describe('webhooks under MINIMAL_UI', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ name: 'webhooks-minimal', env: { API_KEY, MINIMAL_UI: 'true' } });
  });
  after(async () => stack?.dispose());

  it('reads work, every change answers 403 minimal_ui_disabled', async () => {
    const list = await stack.api('/api/v1/webhooks');
    assert.equal(list.status, 200);
    assert.deepEqual(await list.json(), { webhooks: [] });
    const body = { name: 'x', url: 'https://example.com/', events: ['agent_end'], scope: { kind: 'global' } };
    for (const [method, path, json] of [
      ['POST', '/api/v1/webhooks', body],
      ['PATCH', '/api/v1/webhooks/any', { name: 'y' }],
      ['DELETE', '/api/v1/webhooks/any', undefined],
      ['POST', '/api/v1/webhooks/any/test', undefined],
    ] as const) {
      const res = await stack.api(path, { method, ...(json ? { json } : {}) });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.deepEqual(await res.json(), { error: 'minimal_ui_disabled', message: 'Webhook configuration is disabled under MINIMAL_UI.' });
    }
    await expectError(await stack.api('/api/v1/webhooks/any/deliveries'), 404, 'webhook_not_found');
  });
});
