// Swagger UI in a real browser (Debian chromium via playwright-core): it renders under our CSP without
// a single violation, and "Try it out" is authenticated by the docs bootstrap script from `?token=`,
// which it then strips from the address bar.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium, startStack, type Stack } from '@pi-forge/test-fixtures';
import { assertNotLogged } from './auth-support.js';

const API_KEY = 'docs-browser-api-key-7c5a3e1f9b2d';

describe('edge: Swagger UI in a browser', () => {
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    stack = await startStack({ name: 'edge-docs-browser', env: { API_KEY } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.dispose();
  });

  it('renders under the CSP and runs "Try it out" with the token from ?token=', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${stack.baseUrl}/api/docs?token=${API_KEY}`);
    await page.waitForSelector('.opblock', { timeout: 15_000 });
    assert.equal(new URL(page.url()).search, '', 'the token left the address bar');

    const op = page.locator('#operations-auth-AuthController_session');
    await op.locator('.opblock-summary').click();
    await op.locator('button.try-out__btn').click();
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 10_000 });
    assert.equal((await status.innerText()).trim().split(/\s/)[0], '200');
    assert.match(await op.locator('.live-responses-table tbody .response-col_description').first().innerText(), /"via": "api_key"/);
    assert.deepEqual(problems, [], 'no console errors (a CSP violation would be one)');
  });

  it('never logs the API key', async () => {
    await assertNotLogged(stack, { 'API key': API_KEY });
  });
});
