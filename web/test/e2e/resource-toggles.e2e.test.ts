// @vitest-environment node
// The skills, prompts and tools settings and the composer's `/` menu in a real browser against the
// real stack: a skill toggled off globally and forced on for the project lands in settings.json and
// skills-overrides.json; a prompt template picked from the `/` menu is sent as `/name args` and
// reaches the model expanded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  REPO_ROOT,
  configureFakeLlm,
  launchChromium,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  type FakeLlm,
  type SeededProject,
  type Stack,
  type StackDirs,
} from '@pi-forge/test-fixtures';

const PASSWORD = 'correct horse battery staple';
const SHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const STEP = 60_000;

let stack: Stack;
let llm: FakeLlm;
let dirs: StackDirs;
let project: SeededProject;
let browser: Browser;
let page: Page;

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const readJson = (path: string): Record<string, unknown> | undefined =>
  existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : undefined;

describe('skills and prompt templates in the browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    llm = await startFakeLlm({ delayMs: 5 });
    dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    write(
      join(dirs.piConfig, 'skills', 'global-helper', 'SKILL.md'),
      '---\nname: global-helper\ndescription: Helps everywhere\n---\n\nSteps.\n',
    );
    write(
      join(dirs.piConfig, 'prompts', 'review.md'),
      '---\ndescription: Review a file\nargument-hint: <file>\n---\nREVIEW-TEMPLATE-MARKER: please review $1 carefully.\n',
    );
    project = seedProject(dirs, 'demo', { 'README.md': '# demo\n' });
    stack = await startStack({ name: 'web-resource-toggles', dirs, env: { UI_PASSWORD: PASSWORD } });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await page.goto(stack.baseUrl);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('main', { name: 'Chat' }).waitFor({ timeout: 15_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
    await llm?.close();
  }, 30_000);

  it(
    'toggles a skill globally and per project in Settings',
    async () => {
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await page.getByRole('tab', { name: 'Skills' }).click();
      const global = page.getByLabel('global-helper enabled globally');
      await global.waitFor({ timeout: 20_000 });
      expect(await global.isChecked()).toBe(true);
      await global.uncheck();
      await expect.poll(() => readJson(join(dirs.piConfig, 'settings.json'))?.skills, { timeout: 10_000 }).toEqual(['!global-helper']);
      const row = page.locator('.toggle-row[data-name="global-helper"]');
      await expect.poll(() => row.locator('.chip').textContent()).toBe('off');
      await page.getByLabel('global-helper in this project').selectOption('on');
      await expect
        .poll(() => readJson(join(dirs.data, 'skills-overrides.json')), { timeout: 10_000 })
        .toEqual({ projects: { [project.id]: { enable: ['global-helper'], disable: [] } } });
      await expect.poll(() => row.locator('.chip').textContent()).toBe('on');
      await page.screenshot({ path: join(SHOTS, 'toggles-01-skills.png') });
      await page.getByRole('tab', { name: 'Tools' }).click();
      await page.getByLabel('bash enabled globally').waitFor();
      await page.screenshot({ path: join(SHOTS, 'toggles-02-tools.png') });
      await page.getByRole('button', { name: 'Close settings' }).click();
    },
    STEP,
  );

  it(
    'picks a prompt template from the / menu and the model receives it expanded',
    async () => {
      await page.getByRole('button', { name: 'New session', exact: true }).click();
      await expect.poll(() => page.locator('.conn').textContent(), { timeout: 15_000 }).toBe('Live');
      const composer = page.getByLabel('Message', { exact: true });
      await composer.fill('/rev');
      const option = page.getByRole('option').filter({ hasText: '/review' });
      await option.waitFor({ timeout: 10_000 });
      expect(await option.textContent()).toContain('Review a file');
      await page.screenshot({ path: join(SHOTS, 'toggles-03-slash-menu.png') });
      await option.dispatchEvent('mousedown');
      await expect.poll(() => composer.inputValue()).toBe('/review ');
      await composer.pressSequentially('src/main.ts');
      const before = llm.requests.length;
      llm.enqueue({ text: ['Reviewed', '.'] });
      await composer.press('Enter');
      await expect.poll(() => llm.requests.length, { timeout: 20_000 }).toBeGreaterThan(before);
      expect(llm.requests[before]!.lastUserText).toContain('REVIEW-TEMPLATE-MARKER: please review src/main.ts carefully.');
      await page.getByRole('article', { name: 'Agent' }).last().getByText('Reviewed.').waitFor({ timeout: 20_000 });
    },
    STEP,
  );
});
