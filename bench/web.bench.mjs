// Web app benchmark in headless chromium against the real stack and the fake LLM. Baselines are
// measured in the same run, in the same browser:
//   load   A  /offline.html (a static page, no script): navigation → load event
//          B  the app: navigation → workspace ready (composer shown, agent stream Live)
//   stream C  a bare fetch + SSE reader in the page: token sent by the fake LLM → event parsed
//          D  the app: token sent by the fake LLM → token visible in the chat's DOM (Markdown rendered)
// Run: npm run bench -- web   (BENCH_RUNS, BENCH_TOKENS to change the size)
/* global document, window, MutationObserver -- the page.evaluate callbacks run in Chromium */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { configureFakeLlm, makeStackDirs, seedProject, startFakeLlm, startStack } from '../test/fixtures/dist/src/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 150);
const LOADS = Number(process.env.BENCH_LOADS ?? 10);
const CHROMIUM =
  ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? execSync('command -v chromium').toString().trim();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const p90 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.9))] : NaN;
};
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');

const llm = await startFakeLlm({ delayMs: 5 });
const dirs = makeStackDirs();
configureFakeLlm(dirs.piConfig, llm);
const project = seedProject(dirs, 'bench', { 'README.md': '# bench\n' });
const stack = await startStack({ name: 'bench-web', dirs });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

try {
  // ---- load times (fresh context each time: nothing cached, no service worker yet)
  const loadA = [];
  const loadB = [];
  for (let i = 0; i < LOADS + 1; i++) {
    for (const [which, out] of [
      ['A', loadA],
      ['B', loadB],
    ]) {
      const ctx = await browser.newContext({ serviceWorkers: 'block' });
      const page = await ctx.newPage();
      const t0 = Date.now();
      if (which === 'A') {
        await page.goto(`${stack.baseUrl}/offline.html`, { waitUntil: 'load' });
      } else {
        await page.goto(stack.baseUrl, { waitUntil: 'commit' });
        await page.getByLabel('Message', { exact: true }).waitFor({ timeout: 30_000 });
      }
      if (i > 0) out.push(Date.now() - t0); // the first round warms the server and the disk cache
      await ctx.close();
    }
  }

  // ---- streaming latency
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  const sessionRes = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } });
  const session = await sessionRes.json();
  await page.addInitScript(
    ([pid, sid]) => {
      localStorage.setItem('pi-forge/active-project-id', pid);
      localStorage.setItem('pi-forge/active-session-id', sid);
    },
    [project.id, session.sessionId],
  );
  await page.goto(stack.baseUrl);
  await page.waitForFunction(() => document.querySelector('.conn')?.textContent === 'Live', null, { timeout: 30_000 });

  const rawDelay = [];
  const domDelay = [];
  for (let run = 0; run < RUNS; run++) {
    const tokens = Array.from({ length: TOKENS }, (_, i) => `r${run}t${i}x `);
    await page.evaluate(
      async ({ sid, run, count }) => {
        const w = window;
        const now = () => performance.timeOrigin + performance.now();
        w.__bench = { raw: new Array(count).fill(0), dom: new Array(count).fill(0), done: false };
        // C: a bare reader on the same stream, in the same page.
        const ctl = new AbortController();
        w.__benchAbort = ctl;
        const res = await fetch(`/api/v1/sessions/${sid}/stream`, { signal: ctl.signal });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        let seen = 0;
        const re = new RegExp(`r${run}t(\\d+)x`, 'g');
        (async () => {
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              buf += value;
              let idx;
              while ((idx = buf.indexOf('\n\n')) >= 0) {
                const frame = buf.slice(0, idx);
                buf = buf.slice(idx + 2);
                const line = frame.split('\n').find((l) => l.startsWith('data:'));
                if (!line) continue;
                const e = JSON.parse(line.slice(5));
                if (e.type === 'message_update' && e.assistantMessageEvent?.type === 'text_delta') {
                  for (const m of e.assistantMessageEvent.delta.matchAll(re)) if (!w.__bench.raw[+m[1]]) w.__bench.raw[+m[1]] = now();
                }
                if (e.type === 'agent_end') w.__bench.done = true;
              }
            }
          } catch {
            /* aborted */
          }
        })();
        // D: when each token shows up in the rendered chat.
        const box = document.querySelector('.messages');
        const observer = new MutationObserver(() => {
          const arts = box.querySelectorAll('article[aria-label="Agent"]');
          const text = arts[arts.length - 1]?.textContent ?? '';
          const t = now();
          let max = -1;
          for (const m of text.matchAll(re)) max = Math.max(max, +m[1]);
          for (let i = seen; i <= max; i++) if (!w.__bench.dom[i]) w.__bench.dom[i] = t;
          if (max + 1 > seen) seen = max + 1;
        });
        observer.observe(box, { childList: true, subtree: true, characterData: true });
        w.__benchObserver = observer;
      },
      { sid: session.sessionId, run, count: TOKENS },
    );
    llm.reset();
    llm.enqueue({ text: tokens, delayMs: 5 });
    const res = await stack.api(`/api/v1/sessions/${session.sessionId}/prompt`, { method: 'POST', json: { text: `[no-tool] run ${run}` } });
    if (res.status !== 202) throw new Error(`prompt answered ${res.status}: ${await res.text()}`);
    await page.waitForFunction(() => window.__bench.done, null, { timeout: 60_000 });
    await page.waitForFunction((n) => window.__bench.dom[n - 1] > 0, TOKENS, { timeout: 10_000 });
    const got = await page.evaluate(() => {
      window.__benchObserver.disconnect();
      window.__benchAbort.abort();
      return window.__bench;
    });
    const sent = llm.tokens.map((t) => t.sentAt);
    if (sent.length < TOKENS) throw new Error(`the fake LLM sent ${sent.length} of ${TOKENS} tokens`);
    for (let i = 0; i < TOKENS; i++) {
      if (got.raw[i]) rawDelay.push(got.raw[i] - sent[i]);
      if (got.dom[i]) domDelay.push(got.dom[i] - sent[i]);
    }
  }
  await ctx.close();

  const a = median(loadA);
  const b = median(loadB);
  const c = median(rawDelay);
  const d = median(domDelay);
  process.stdout.write(`Headless chromium, ${LOADS} cold loads each; ${RUNS} runs × ${TOKENS} streamed tokens (fake LLM, 5 ms apart).\n\n`);
  process.stdout.write('| measure | median ms | p90 ms | ratio to baseline |\n|---|---|---|---|\n');
  process.stdout.write(`| A static page load (baseline) | ${fmt(a)} | ${fmt(p90(loadA))} | 1.0 |\n`);
  process.stdout.write(`| B app load → workspace ready, stream Live | ${fmt(b)} | ${fmt(p90(loadB))} | ${fmt(b / a)} |\n`);
  process.stdout.write(`| C token: LLM → bare SSE reader in the page (baseline) | ${fmt(c)} | ${fmt(p90(rawDelay))} | 1.0 |\n`);
  process.stdout.write(`| D token: LLM → rendered in the chat | ${fmt(d)} | ${fmt(p90(domDelay))} | ${fmt(d / c)} |\n`);
  // C and D read the same events over two separate connections, so which one sees a token first
  // varies; a D − C near zero means rendering adds no delay worth measuring.
  process.stdout.write(
    `\nD − C (what the app adds per token: reducer, Vue, Markdown, DOM; the two readers use separate connections): median ${fmt(d - c)} ms.\n`,
  );
} finally {
  await browser.close();
  await stack.dispose();
  await llm.close();
}
