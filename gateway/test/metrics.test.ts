// GET /metrics end to end: who may read it, that it is valid Prometheus text, and that the
// numbers move with real traffic, real gRPC calls and a real service crash.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import {
  configureFakeLlm,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  waitFor,
  type FakeLlm,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';
import { parsePrometheusText, sampleValue, type Exposition } from './prometheus-text.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const API_KEY = 'api-key-for-metrics-tests-0123456789';

describe('metrics: GET /metrics', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const scrape = async (): Promise<Exposition> => {
    const res = await fetch(`${stack.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(res.status, 200);
    return parsePrometheusText(await res.text());
  };

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'metrics');
    // PTY_IDLE_REAP_MS=0: a closed terminal's shell ends at once, so the gauge can be seen to fall.
    stack = await startStack({ name: 'metrics', dirs, env: { METRICS_TOKEN, API_KEY, PTY_IDLE_REAP_MS: '0' } });
  });
  after(async () => {
    await stack?.dispose();
    await llm?.close();
  });

  it('answers only to the metrics token, with {error, message} otherwise', async () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'missing_token'],
      ['Bearer wrong-token', 'invalid_token'],
      [`Bearer ${API_KEY}`, 'invalid_token'],
      [`Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`, 'invalid_token'],
    ];
    for (const [authorization, error] of cases) {
      const res = await fetch(`${stack.baseUrl}/metrics`, { headers: authorization ? { authorization } : {} });
      assert.equal(res.status, 401, `${authorization} → 401`);
      const body = await res.json();
      assert.equal(body.error, error);
      assert.equal(typeof body.message, 'string');
      assert.ok(!JSON.stringify(body).includes(METRICS_TOKEN));
    }
    const ok = await fetch(`${stack.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    // not under the API prefix
    assert.equal((await fetch(`${stack.baseUrl}/api/v1/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } })).status, 404);
  });

  it('is valid Prometheus text with every documented family', async () => {
    const exp = await scrape();
    const expected: Record<string, string> = {
      forge_active_sessions: 'gauge',
      forge_active_ptys: 'gauge',
      forge_sse_clients: 'gauge',
      forge_service_up: 'gauge',
      forge_service_restarts_total: 'counter',
      forge_http_requests_total: 'counter',
      forge_http_request_duration_seconds: 'histogram',
      forge_grpc_client_duration_seconds: 'histogram',
      forge_gateway_process_resident_memory_bytes: 'gauge',
      forge_process_resident_memory_bytes: 'gauge',
      forge_session_messages: 'gauge',
      forge_session_replay_bytes: 'gauge',
      forge_session_stream_subscribers: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) assert.equal(exp.types.get(name), type, name);
    for (const service of ['agent', 'pty', 'workspace']) {
      assert.equal(sampleValue(exp, 'forge_service_up', { service }), 1, `${service} up`);
      assert.equal(sampleValue(exp, 'forge_service_restarts_total', { service }), 0, `${service} restarts`);
    }
    assert.equal(sampleValue(exp, 'forge_active_sessions'), 0);
    assert.equal(sampleValue(exp, 'forge_active_ptys'), 0);
    assert.equal(sampleValue(exp, 'forge_sse_clients'), 0);
    // Each process reports its own RSS (the services over gRPC, as they would from other pods).
    for (const process of ['gateway', 'agent', 'pty', 'workspace']) {
      const rss = sampleValue(exp, 'forge_process_resident_memory_bytes', { process }) ?? 0;
      assert.ok(rss > 20e6 && rss < 2e9, `${process} rss ${rss}`);
    }
  });

  it('counts requests by route pattern and times gRPC calls by service', async () => {
    const before = await scrape();
    const labels = { method: 'GET', route: '/api/v1/health', status: '200' };
    const n0 = sampleValue(before, 'forge_http_requests_total', labels) ?? 0;
    const g0 = sampleValue(before, 'forge_grpc_client_duration_seconds_count', { service: 'pty', method: 'GetStats', code: '0' }) ?? 0;
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${stack.baseUrl}/api/v1/health?i=${i}`)).status, 200);
    const missing = await fetch(`${stack.baseUrl}/api/v1/no-such-route/${Date.now()}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(missing.status, 404);
    const exp = await scrape();
    assert.equal(sampleValue(exp, 'forge_http_requests_total', labels), n0 + 5);
    // the query string and unknown paths never become label values
    assert.ok(!exp.samples.some((s) => (s.labels.route ?? '').includes('?') || (s.labels.route ?? '').includes('no-such-route')));
    assert.ok((sampleValue(exp, 'forge_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/health' }) ?? 0) >= 5);
    // each health request and each scrape asks the pty service for its stats over gRPC
    assert.ok(
      (sampleValue(exp, 'forge_grpc_client_duration_seconds_count', { service: 'pty', method: 'GetStats', code: '0' }) ?? 0) >= g0 + 6,
    );
  });

  it('moves when a session, an SSE stream and a terminal open and close', async () => {
    const value = async (name: string) => sampleValue(await scrape(), name);
    const created = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } });
    assert.equal(created.status, 201);
    const { sessionId } = (await created.json()) as { sessionId: string };
    assert.equal(await value('forge_active_sessions'), 1);
    assert.equal(sampleValue(await scrape(), 'forge_session_stream_subscribers', { session_id: sessionId, project_id: project.id }), 0);

    const sse = new AbortController();
    const stream = await fetch(`${stack.baseUrl}/api/v1/sessions/${sessionId}/stream`, {
      headers: { authorization: `Bearer ${API_KEY}` },
      signal: sse.signal,
    });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    await reader.read(); // the snapshot
    assert.equal(await value('forge_sse_clients'), 1);
    assert.equal(sampleValue(await scrape(), 'forge_session_stream_subscribers', { session_id: sessionId, project_id: project.id }), 1);

    const ws = new WebSocket(`ws://127.0.0.1:${stack.port}/api/v1/terminal?projectId=${project.id}&tabId=metrics&token=${API_KEY}`);
    let output = '';
    ws.on('message', (d: Buffer) => {
      output += d.toString();
    });
    ws.on('error', () => {});
    await waitFor('terminal open', () => ws.readyState === WebSocket.OPEN, 10_000);
    ws.send(JSON.stringify({ type: 'input', data: 'echo metrics-$((40+2))\r' }));
    await waitFor('terminal echo', () => output.includes('metrics-42'), 10_000);
    assert.equal(await value('forge_active_ptys'), 1);

    sse.abort();
    await waitFor('SSE client gone', async () => (await value('forge_sse_clients')) === 0, 5_000);
    // a stream takes over the raw socket: it is counted by forge_sse_clients, not as a request
    assert.ok(!(await scrape()).samples.some((x) => (x.labels.route ?? '').endsWith('/stream')));
    ws.close();
    await waitFor('terminal gone', async () => (await value('forge_active_ptys')) === 0, 10_000);
    assert.equal(await value('forge_active_sessions'), 1, 'the session outlives its stream');
  });

  it('sees a service go down and counts its restart', async () => {
    await stack.kill9('pty');
    const down = await scrape();
    assert.equal(sampleValue(down, 'forge_service_up', { service: 'pty' }), 0);
    await waitFor('pty serving again', async () => (await stack.health()).services.pty === 'serving', 15_000);
    await waitFor(
      'restart counted',
      async () => sampleValue(await scrape(), 'forge_service_restarts_total', { service: 'pty' }) === 1,
      5_000,
    );
    const exp = await scrape();
    assert.equal(sampleValue(exp, 'forge_service_up', { service: 'pty' }), 1);
    assert.equal(sampleValue(exp, 'forge_service_restarts_total', { service: 'agent' }), 0);
    assert.equal(sampleValue(exp, 'forge_service_restarts_total', { service: 'workspace' }), 0);
  });
});

describe('metrics: without METRICS_TOKEN, /metrics takes the API credentials', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ name: 'metrics-api-key', env: { API_KEY } });
  });
  after(async () => {
    await stack?.dispose();
  });

  it('refuses no or wrong credentials and accepts the API key', async () => {
    const none = await fetch(`${stack.baseUrl}/metrics`);
    assert.equal(none.status, 401);
    assert.equal((await none.json()).error, 'missing_token');
    const wrong = await fetch(`${stack.baseUrl}/metrics`, { headers: { authorization: 'Bearer not-the-key' } });
    assert.equal(wrong.status, 401);
    assert.equal((await wrong.json()).error, 'invalid_token');
    const ok = await fetch(`${stack.baseUrl}/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(ok.status, 200);
    const exp = parsePrometheusText(await ok.text());
    assert.equal(sampleValue(exp, 'forge_service_up', { service: 'workspace' }), 1);
  });
});
