// Agent streaming benchmark: how long a token takes from the fake LLM's socket write to a
// browser-like SSE client, through SDK → agent service event log → gRPC → gateway → SSE, with 1
// and 50 clients on one session; against the same token reaching an SDK session embedded in this
// process (the floor: provider parsing + SDK event, no services). Then how many events per second
// the stack sustains to 50 clients when the model streams as fast as it can.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureFakeLlm, makeStackDirs, seedProject, startFakeLlm, startStack, wallMs } from '../test/fixtures/dist/src/index.js';
import { openStream } from '../gateway/dist/test/sse-client.js';

const API_KEY = 'bench-key-0123456789abcdef';
const TOKENS = Number(process.env.BENCH_TOKENS ?? 200);
const SPACING_MS = Number(process.env.BENCH_SPACING_MS ?? 10);
const BURST = Number(process.env.BENCH_BURST ?? 1000);
const uniqueTokens = (tag, n) => Array.from({ length: n }, (_, i) => `${tag}${String(i).padStart(5, '0')} `);

function quantiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p99: q(0.99), n: s.length };
}
const fmt = (ms) => `${ms.toFixed(2)} ms`;

/** token text → fake-LLM send time, for one run's tokens. */
function sentTimes(llm, tag) {
  return new Map(llm.tokens.filter((t) => t.text.startsWith(tag)).map((t) => [t.text, t.sentAt]));
}

const isDelta = (e) => e.type === 'message_update' && e.data.assistantMessageEvent?.type === 'text_delta';

// ---------------------------------------------------------------- A: SDK in this process
async function inProcessBaseline(llm) {
  const agentDir = mkdtempSync(join(tmpdir(), 'bench-sdk-'));
  const workspace = join(agentDir, 'ws');
  mkdirSync(workspace);
  configureFakeLlm(agentDir, llm);
  process.env.PI_CODING_AGENT_DIR = agentDir;
  process.env.PI_OFFLINE = '1';
  const sdk = await import('@earendil-works/pi-coding-agent');
  const modelRuntime = await sdk.ModelRuntime.create({
    authPath: join(agentDir, 'auth.json'),
    modelsPath: join(agentDir, 'models.json'),
    allowModelNetwork: false,
  });
  const settingsManager = sdk.SettingsManager.create(workspace, agentDir);
  const resourceLoader = new sdk.DefaultResourceLoader({ cwd: workspace, agentDir, settingsManager, noExtensions: true, noThemes: true });
  await resourceLoader.reload();
  const { session } = await sdk.createAgentSession({
    cwd: workspace,
    agentDir,
    modelRuntime,
    settingsManager,
    resourceLoader,
    model: modelRuntime.getModel('fake', 'fake-model'),
    sessionManager: sdk.SessionManager.inMemory(workspace),
  });
  const received = new Map();
  session.subscribe((e) => {
    if (e.type === 'message_update' && e.assistantMessageEvent.type === 'text_delta') received.set(e.assistantMessageEvent.delta, wallMs());
  });
  const tag = 'sdk';
  llm.enqueue({ text: uniqueTokens(tag, TOKENS), delayMs: SPACING_MS });
  await session.prompt('bench [no-tool]');
  const sent = sentTimes(llm, tag);
  session.dispose();
  return quantiles([...sent].map(([text, at]) => received.get(text) - at).filter((x) => Number.isFinite(x)));
}

// ---------------------------------------------------------------- B/C: through the stack
async function throughStack(stack, llm, projectId, clients, tag) {
  const created = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId } });
  const { sessionId } = await created.json();
  const streams = await Promise.all(Array.from({ length: clients }, () => openStream(stack.baseUrl, sessionId, API_KEY)));
  await Promise.all(streams.map((s) => s.waitFor((e) => e.type === 'snapshot', 'snapshot')));
  llm.enqueue({ text: uniqueTokens(tag, TOKENS), delayMs: SPACING_MS });
  await stack.api(`/api/v1/sessions/${sessionId}/prompt`, { method: 'POST', json: { text: 'bench [no-tool]' } });
  await Promise.all(streams.map((s) => s.waitFor((e) => e.type === 'agent_end', 'agent_end', 120_000)));
  const sent = sentTimes(llm, tag);
  const samples = [];
  for (const s of streams) {
    for (const e of s.events.filter(isDelta)) {
      const at = sent.get(e.data.assistantMessageEvent.delta);
      if (at !== undefined) samples.push(e.receivedAt - at);
    }
    s.close();
  }
  return quantiles(samples);
}

async function sustained(stack, llm, projectId, clients) {
  const created = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId } });
  const { sessionId } = await created.json();
  const streams = await Promise.all(Array.from({ length: clients }, () => openStream(stack.baseUrl, sessionId, API_KEY)));
  await Promise.all(streams.map((s) => s.waitFor((e) => e.type === 'snapshot', 'snapshot')));
  llm.enqueue({ text: uniqueTokens('burst', BURST), delayMs: 0 });
  const t0 = performance.now();
  await stack.api(`/api/v1/sessions/${sessionId}/prompt`, { method: 'POST', json: { text: 'burst [no-tool]' } });
  await Promise.all(streams.map((s) => s.waitFor((e) => e.type === 'agent_end', 'agent_end', 300_000)));
  const seconds = (performance.now() - t0) / 1000;
  const perClient = streams[0].events.length - 1;
  const complete = streams.every((s) => s.events.length - 1 === perClient);
  for (const s of streams) s.close();
  return { seconds, perClient, complete, delivered: (perClient * clients) / seconds };
}

const llm = await startFakeLlm();
const dirs = makeStackDirs();
configureFakeLlm(dirs.piConfig, llm);
const project = seedProject(dirs, 'bench');
const stack = await startStack({ name: 'bench-agent-stream', dirs, env: { API_KEY } });
try {
  // Warm up both paths once (JIT, first-session costs) before measuring.
  await throughStack(stack, llm, project.id, 1, 'warm');
  const a = await inProcessBaseline(llm);
  const b = await throughStack(stack, llm, project.id, 1, 'one');
  const c = await throughStack(stack, llm, project.id, 50, 'fifty');
  const burst1 = await sustained(stack, llm, project.id, 1);
  const burst50 = await sustained(stack, llm, project.id, 50);

  console.log(
    `Token latency: fake LLM socket write → event received (${TOKENS} tokens, ${SPACING_MS} ms apart; 2 cores shared by LLM, stack and clients)\n`,
  );
  console.log('| path | samples | p50 | p99 | p50 vs A | p99 vs A |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, r] of [
    ['A SDK session in this process (baseline)', a],
    ['B through the stack, 1 SSE client', b],
    ['C through the stack, 50 SSE clients', c],
  ]) {
    console.log(`| ${name} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${(r.p50 / a.p50).toFixed(1)}× | ${(r.p99 / a.p99).toFixed(1)}× |`);
  }
  console.log(`\nSustained: the model streams ${BURST} tokens back to back; events = every SSE event a client receives\n`);
  console.log('| clients | run (s) | events per client | all clients got all | events/s delivered (all clients) | vs 1 client |');
  console.log('|---|---|---|---|---|---|');
  for (const [n, r] of [
    [1, burst1],
    [50, burst50],
  ]) {
    console.log(
      `| ${n} | ${r.seconds.toFixed(2)} | ${r.perClient} | ${r.complete ? 'yes' : 'NO'} | ${Math.round(r.delivered)} | ${(r.delivered / burst1.delivered).toFixed(1)}× |`,
    );
  }
} finally {
  await stack.dispose();
  await llm.close();
}
