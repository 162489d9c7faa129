// @vitest-environment node
// The Backup settings tab in a real browser (Debian chromium via playwright-core) against the real
// stack: the export downloads a tar.gz with the files it lists, the auth opt-in shows its warning,
// and choosing an archive to restore shows the dry run's list of changes before anything is written;
// "Apply import" then restores the file. Screenshots under test-output/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT, launchChromium, makeStackDirs, startStack, type Stack, type StackDirs } from '@pi-forge/test-fixtures';

const PASSWORD = 'backup browser test password';
const SHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const STEP = 60_000;

let stack: Stack;
let dirs: StackDirs;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let archivePath: string;

describe('the Backup settings tab', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dirs = makeStackDirs();
    writeFileSync(join(dirs.piConfig, 'settings.json'), '{\n  "defaultModel": "original"\n}\n');
    writeFileSync(join(dirs.data, 'quick-actions.json'), '[]\n');
    stack = await startStack({ name: 'web-backup-e2e', dirs, env: { UI_PASSWORD: PASSWORD } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    await page.goto(stack.baseUrl);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('main', { name: 'Chat' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).getByRole('tab', { name: 'Backup' }).click();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
  }, 30_000);

  it(
    'export downloads a tar.gz holding the files it names; the auth opt-in warns first',
    async () => {
      const tab = page.getByRole('region', { name: 'Backup' });
      await tab.getByLabel('Stored API keys (auth.json)').check();
      await tab.getByRole('note').filter({ hasText: 'API keys' }).waitFor();
      await tab.getByLabel('Stored API keys (auth.json)').uncheck();
      expect(await tab.getByRole('note').count()).toBe(0);
      await tab.getByLabel('Projects list').check();
      const [download] = await Promise.all([page.waitForEvent('download'), tab.getByRole('button', { name: 'Download backup' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^pi-forge-config-[\dT-]+Z\.tar\.gz$/);
      archivePath = join(dirs.root, download.suggestedFilename());
      await download.saveAs(archivePath);
      const members = execFileSync('tar', ['-tzf', archivePath], { encoding: 'utf8' }).trim().split('\n').sort();
      expect(members).toEqual(['quick-actions.json', 'settings.json']); // no projects.json yet: there are no projects
      await expect.poll(() => tab.getByRole('status').textContent()).toContain('settings.json');
      await page.screenshot({ path: join(SHOTS, 'backup-01-export.png') });
    },
    STEP,
  );

  it(
    'choosing an archive shows the dry run; nothing changes until "Apply import"',
    async () => {
      const settings = join(dirs.piConfig, 'settings.json');
      const original = readFileSync(settings, 'utf8');
      writeFileSync(settings, '{"defaultModel":"edited after the backup"}');
      const tab = page.getByRole('region', { name: 'Backup' });
      await tab.getByLabel('Backup archive to restore').setInputFiles(archivePath);
      const preview = tab.getByLabel('What the import would change');
      await preview.getByRole('row', { name: /settings\.json\s+changed/ }).waitFor();
      await preview.getByRole('row', { name: /quick-actions\.json\s+unchanged/ }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'backup-02-dry-run.png') });
      expect(readFileSync(settings, 'utf8')).toBe('{"defaultModel":"edited after the backup"}');
      await preview.getByRole('button', { name: 'Apply import' }).click();
      await expect.poll(() => tab.getByRole('status').first().textContent()).toContain('Restored 2 file(s)');
      expect(readFileSync(settings, 'utf8')).toBe(original);
      expect(await tab.getByLabel('What the import would change').count()).toBe(0);
    },
    STEP,
  );

  it(
    'a hostile archive is refused with the server message and no preview',
    async () => {
      const evil = join(dirs.root, 'evil.tar.gz');
      execFileSync('ln', ['-s', '/etc/passwd', join(dirs.root, 'settings.json')]);
      execFileSync('tar', ['-czf', evil, '-C', dirs.root, 'settings.json']);
      const tab = page.getByRole('region', { name: 'Backup' });
      await tab.getByLabel('Backup archive to restore').setInputFiles(evil);
      await expect.poll(() => tab.getByRole('alert').textContent()).toContain('invalid_archive');
      expect(await tab.getByLabel('What the import would change').count()).toBe(0);
    },
    STEP,
  );
});
