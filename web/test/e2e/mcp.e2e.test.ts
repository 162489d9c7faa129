// @vitest-environment node
// The MCP settings tab in a real browser against the real stack and a real streamable-HTTP MCP server on
// 127.0.0.1 (built with the official SDK): add a server, see it connected with its tools, probe it, remove it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  REPO_ROOT,
  configureFakeLlm,
  launchChromium,
  makeStackDirs,
  startFakeLlm,
  startMcpHttpServer,
  startStack,
  type FakeLlm,
  type McpHttpFixture,
  type Stack,
} from '@pi-forge/test-fixtures';

const PASSWORD = 'correct horse battery staple';
const SHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const STEP = 60_000;

let stack: Stack;
let llm: FakeLlm;
let mcp: McpHttpFixture;
let browser: Browser;
let page: Page;

describe('the MCP settings tab', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    llm = await startFakeLlm();
    mcp = await startMcpHttpServer({ label: 'browser' });
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    stack = await startStack({ name: 'web-mcp-e2e', dirs, env: { UI_PASSWORD: PASSWORD } });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
    await mcp?.close();
    await llm?.close();
  }, 30_000);

  it(
    'adds a remote server and shows it connected with its tools; removing it empties the list',
    async () => {
      await page.goto(stack.baseUrl);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('main', { name: 'Chat' }).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.getByRole('tab', { name: 'MCP' }).click();
      await dialog.getByText('No MCP servers yet.').waitFor();

      const form = dialog.getByRole('form', { name: 'Add or edit an MCP server' });
      await form.getByLabel('Server name').fill('browser-srv');
      await form.getByLabel('URL').fill(mcp.url);
      await form.getByLabel(/^Headers/).fill('Authorization: Bearer ui-secret');
      await form.getByRole('button', { name: 'Save server' }).click();
      const row = dialog.locator('tr[data-server="browser-srv"]');
      await row.waitFor();
      // Connecting happens in the background: probing shows the settled state.
      await expect
        .poll(
          async () => {
            await row.getByRole('button', { name: 'Probe browser-srv' }).click();
            return row.locator('.badge').textContent();
          },
          { timeout: 30_000, interval: 1_000 },
        )
        .toBe('connected');
      expect(await row.locator('td').nth(3).textContent()).toBe('4');
      expect(await dialog.getByLabel('MCP connected servers').textContent()).toBe('MCP 1/1');
      expect(mcp.requests.some((r) => r.headers.authorization === 'Bearer ui-secret')).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'mcp-settings-connected.png') });

      // Editing shows the redacted header, never the secret.
      await row.getByRole('button', { name: 'Edit browser-srv' }).click();
      expect(await form.getByLabel(/^Headers/).inputValue()).toBe('Authorization: ***REDACTED***');

      await row.getByRole('button', { name: 'Remove browser-srv' }).click();
      await dialog.getByText('No MCP servers yet.').waitFor();
    },
    STEP,
  );
});
