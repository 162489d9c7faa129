// @vitest-environment node
// The Webhooks settings tab in a real browser against the real stack and a real receiver on
// 127.0.0.1: create a webhook with a secret, press Test, see the signed delivery arrive and its
// row (status 200) in the delivery history; the secret never shows in the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  REPO_ROOT,
  launchChromium,
  startStack,
  startWebhookReceiver,
  validSignature,
  type Stack,
  type WebhookReceiver,
} from '@pi-forge/test-fixtures';

const PASSWORD = 'correct horse battery staple';
const SECRET = 'browser-webhook-secret-5e1d';
const SHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const STEP = 60_000;

let stack: Stack;
let receiver: WebhookReceiver;
let browser: Browser;
let page: Page;

describe('webhooks settings in a browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    receiver = await startWebhookReceiver();
    stack = await startStack({ name: 'web-webhooks-e2e', env: { UI_PASSWORD: PASSWORD } });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
    await receiver?.close();
  }, 30_000);

  it(
    'creates a webhook, sends a test event and shows the delivery in the history',
    async () => {
      await page.goto(stack.baseUrl);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('main', { name: 'Chat' }).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.getByRole('tab', { name: 'Webhooks' }).click();
      await dialog.getByRole('button', { name: 'Add webhook' }).click();
      const form = dialog.getByRole('form', { name: 'New webhook' });
      await form.getByLabel('Name', { exact: true }).fill('Browser hook');
      await form.getByLabel('URL', { exact: true }).fill(`${receiver.url}/browser`);
      await form.getByLabel('session_created').check();
      await form.getByLabel('Signing secret').fill(SECRET);
      await form.getByRole('button', { name: 'Save webhook' }).click();
      await dialog.getByRole('status').filter({ hasText: 'Webhook saved.' }).waitFor();
      await dialog.getByRole('cell', { name: 'Browser hook', exact: true }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'webhooks-01-list.png') });

      await dialog.getByRole('button', { name: 'Send a test event to Browser hook' }).click();
      await receiver.waitFor('the test delivery', () => receiver.at('/browser').length > 0);
      const got = receiver.at('/browser')[0]!;
      expect(got.body.event).toBe('webhook.test');
      expect(validSignature(SECRET, got.rawBody, got.headers['x-pi-forge-signature'])).toBe(true);

      await dialog.getByRole('button', { name: 'Delivery history of Browser hook' }).click();
      const history = dialog.getByRole('table', { name: 'Delivery history' });
      await expect
        .poll(
          async () => {
            await dialog.getByRole('button', { name: 'Refresh' }).click();
            return (await history.textContent().catch(() => '')) ?? '';
          },
          { timeout: 20_000 },
        )
        .toMatch(/webhook\.test.*delivered.*200/s);
      await page.screenshot({ path: join(SHOTS, 'webhooks-02-history.png') });

      // Editing shows that a secret is set, never the secret itself.
      await dialog.getByRole('button', { name: 'Edit Browser hook' }).click();
      const edit = dialog.getByRole('form', { name: 'Edit webhook' });
      expect(await edit.getByLabel('Signing secret').inputValue()).toBe('');
      expect(await edit.getByLabel('Signing secret').getAttribute('placeholder')).toContain('A secret is set');
      expect(await page.content()).not.toContain(SECRET);
    },
    STEP,
  );
});
