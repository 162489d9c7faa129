// @vitest-environment node
// The Processes panel in a real browser against the real stack: a background process of the open
// session shows up, its output grows live as the stream reports it, stdin reaches it, its log
// downloads, and the Kill button stops it (the process is really gone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  REPO_ROOT,
  configureFakeLlm,
  isGone,
  launchChromium,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  type FakeLlm,
  type Stack,
} from '@pi-forge/test-fixtures';

const PASSWORD = 'correct horse battery staple';
const SHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const STEP = 90_000;
/** Prints a numbered tick every 300 ms and echoes what arrives on stdin. */
const COMMAND = `node -e "let i=0; setInterval(()=>console.log('tick '+(i++)),300); process.stdin.on('data', d=>console.log('got '+String(d).trim()))"`;

let stack: Stack;
let llm: FakeLlm;
let browser: Browser;
let page: Page;

const token = async () => (await page.evaluate(() => localStorage.getItem('pi-forge/auth-token'))) ?? '';
const api = async (path: string, init: RequestInit & { json?: unknown } = {}) =>
  stack.api(`/api/v1${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${await token()}` },
  });

/** The highest tick number the panel's output shows, or -1. */
async function lastTick(p: Page): Promise<number> {
  const text = (await p.getByLabel('Process output').textContent()) ?? '';
  const ticks = [...text.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
  return ticks.length ? Math.max(...ticks) : -1;
}

describe('the Processes panel in a browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    seedProject(dirs, 'procs');
    stack = await startStack({ name: 'web-processes', dirs, env: { UI_PASSWORD: PASSWORD } });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
    await llm?.close();
  }, 30_000);

  it(
    'watches a process of the session live, writes to its stdin, downloads its log and kills it',
    async () => {
      await page.goto(stack.baseUrl);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('main', { name: 'Chat' }).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'procs', exact: true }).click();
      await page.getByRole('button', { name: 'New session', exact: true }).click();
      await expect.poll(() => page.locator('.conn').textContent(), { timeout: 15_000 }).toBe('Live');
      await page.getByRole('tab', { name: 'Processes' }).click();
      await page.getByText('No background processes').waitFor();

      const { sessions } = (await (await api('/sessions')).json()) as { sessions: { sessionId: string; isLive: boolean }[] };
      const sessionId = sessions.find((s) => s.isLive)!.sessionId;
      const res = await api(`/sessions/${sessionId}/processes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ command: COMMAND, name: 'ticker' }),
      });
      expect(res.status).toBe(201);
      const started = (await res.json()) as { id: string; pid: number };

      // The stream's process_update puts it in the list without a reload.
      const row = page.getByRole('list', { name: 'Processes' }).getByRole('button', { name: /^ticker/ });
      await row.waitFor({ timeout: 15_000 });
      expect(await row.textContent()).toContain('running');
      await row.click();
      // Live: the shown output keeps growing as process_output pointers arrive.
      await expect.poll(() => lastTick(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
      const seen = await lastTick(page);
      await expect.poll(() => lastTick(page), { timeout: 20_000 }).toBeGreaterThan(seen + 2);
      await page.screenshot({ path: join(SHOTS, 'processes-live.png') });

      await page.getByLabel('Input for the process').fill('hello from the browser');
      await page.getByRole('button', { name: 'Send input' }).click();
      await expect.poll(() => page.getByLabel('Process output').textContent(), { timeout: 20_000 }).toContain('got hello from the browser');

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'stdout log' }).click()]);
      expect(download.suggestedFilename()).toBe(`ticker-${started.id}.stdout.log`);
      expect(readFileSync((await download.path())!, 'utf8')).toMatch(/^tick 0\n/);

      await page.getByRole('button', { name: 'Kill ticker' }).click();
      await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('killed');
      expect(await page.getByRole('button', { name: 'Kill ticker' }).count()).toBe(0);
      expect(isGone(started.pid)).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'processes-killed.png') });

      await page.getByRole('button', { name: 'Clear finished' }).click();
      await page.getByText('No background processes').waitFor({ timeout: 15_000 });
    },
    STEP,
  );
});
