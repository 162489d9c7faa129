// @vitest-environment node
// ask_user_question in a real browser against the real stack and the fake LLM: the agent asks, the
// panel shows the questions (tabs, radio buttons and checkboxes, the option's preview), the sidebar
// marks the session as waiting, the panel comes back after a reload, the user answers with the
// keyboard and mouse, and the run goes on with the answer; on a 390 px phone, "Chat about this".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  AFTER_ANSWER_TOKENS,
  REPO_ROOT,
  askUserQuestionScript,
  configureFakeLlm,
  lastToolResultText,
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

let stack: Stack;
let llm: FakeLlm;
let browser: Browser;

async function logIn(p: Page): Promise<void> {
  await p.goto(stack.baseUrl);
  await p.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('main', { name: 'Chat' }).waitFor({ timeout: 15_000 });
}

/** Opens a new session of the project and sends a prompt that makes the fake model ask. */
async function askInNewSession(p: Page, prompt: string): Promise<void> {
  llm.reset();
  llm.enqueue(...askUserQuestionScript());
  await p.getByRole('button', { name: 'New session in ask-demo' }).click();
  // The project opens its latest session first: wait until the new one is open (and still empty).
  await expect
    .poll(() => p.locator('.sessions button.name[aria-current="true"]').textContent(), { timeout: 15_000 })
    .toMatch(/New session/);
  await expect.poll(() => p.getByRole('article').count(), { timeout: 15_000 }).toBe(0);
  await expect.poll(() => p.locator('.conn').textContent(), { timeout: 15_000 }).toBe('Live');
  const composer = p.getByLabel('Message', { exact: true });
  await composer.fill(prompt);
  // Send with the button: on a phone Enter is a new line.
  await p.getByRole('button', { name: 'Send', exact: true }).click();
  await p.getByRole('region', { name: 'The agent asks' }).waitFor({ timeout: 30_000 });
}

describe('ask_user_question in the browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    llm = await startFakeLlm({ delayMs: 10 });
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    seedProject(dirs, 'ask-demo', { 'README.md': '# ask demo\n' });
    stack = await startStack({ name: 'web-ask-user-question', dirs, env: { UI_PASSWORD: PASSWORD } });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
    await llm?.close();
  }, 30_000);

  it(
    'shows the questions and the waiting badge, survives a reload, and the answer lets the run go on',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const page = await context.newPage();
        await logIn(page);
        await page.getByRole('button', { name: 'ask-demo', exact: true }).click();
        await askInNewSession(page, 'Set up the job service');
        const panel = page.getByRole('region', { name: 'The agent asks' });
        await panel.getByText('Which database should the service use?').waitFor();
        const badge = page.getByRole('navigation', { name: 'Projects' }).locator('.waiting-badge');
        await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(1);
        expect(await badge.textContent()).toContain('waiting on you');

        // After a reload the question comes back from the server (re-delivered after the snapshot).
        await page.reload();
        await panel.waitFor({ timeout: 30_000 });
        await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(1);

        // Keyboard: focus the first option, its preview shows; pick it with Space.
        const postgres = panel.getByRole('radio', { name: /Postgres/ });
        await postgres.focus();
        await panel.getByLabel('Preview of the option').getByText('CREATE TABLE jobs').waitFor();
        await page.keyboard.press('Space');
        expect(await postgres.isChecked()).toBe(true);
        await page.screenshot({ path: join(SHOTS, 'ask-01-panel.png') });

        // The second question is the next tab (arrow keys move between tabs): a multi-select.
        await panel.getByRole('tab', { name: /Database/ }).focus();
        await page.keyboard.press('ArrowRight');
        await expect.poll(() => panel.getByRole('tab', { name: /Extras/ }).getAttribute('aria-selected')).toBe('true');
        await panel.getByRole('checkbox', { name: /Metrics/ }).check();
        await panel.getByRole('checkbox', { name: /Other/ }).check();
        await panel.getByLabel('Your answer').fill('Health checks');
        await panel.getByLabel('Notes (optional)').fill('metrics first');
        await panel.getByRole('button', { name: 'Submit answers' }).click();

        await panel.waitFor({ state: 'detached', timeout: 15_000 });
        await expect
          .poll(() => page.getByRole('article', { name: 'Agent' }).last().textContent(), { timeout: 30_000 })
          .toContain(AFTER_ANSWER_TOKENS.join(''));
        await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(0);
        await llm.waitForRequests(2);
        const toolResult = lastToolResultText(llm.requests[1]!);
        expect(toolResult).toContain('"Which database should the service use?"="Postgres"');
        expect(toolResult).toContain('"Which extras do you want?"="Metrics, Health checks" user notes: metrics first');
        await page.screenshot({ path: join(SHOTS, 'ask-02-answered.png') });
      } finally {
        await context.close();
      }
    },
    STEP,
  );

  it(
    'fits a 390 px phone, and "Chat about this" declines the questions',
    async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      try {
        const page = await phone.newPage();
        await logIn(page);
        await page.getByRole('button', { name: 'Open the sidebar' }).click();
        await page.getByRole('button', { name: 'ask-demo', exact: true }).click();
        await askInNewSession(page, 'Set up another service');
        const panel = page.getByRole('region', { name: 'The agent asks' });
        const box = await panel.boundingBox();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(390);
        expect(await panel.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
        await page.screenshot({ path: join(SHOTS, 'ask-03-phone.png') });
        await panel.getByRole('button', { name: 'Chat about this' }).click();
        await panel.waitFor({ state: 'detached', timeout: 15_000 });
        await llm.waitForRequests(2);
        expect(lastToolResultText(llm.requests[1]!)).toContain('chat about this');
      } finally {
        await phone.close();
      }
    },
    STEP,
  );
});
