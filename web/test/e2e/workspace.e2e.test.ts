// @vitest-environment node
// The web app in a real browser (Debian chromium via playwright-core) against the real stack and
// the fake LLM: log in, add a project, chat with a bash tool card, edit a file, use the terminal
// across a reload, commit in the git panel, the phone layout, and accessibility basics. Each step
// saves a screenshot under test-output/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ANSWER_TOKENS,
  REPO_ROOT,
  configureFakeLlm,
  makeStackDirs,
  startFakeLlm,
  startStack,
  type FakeLlm,
  type Stack,
  launchChromium,
} from '@pi-forge/test-fixtures';

const PASSWORD = 'correct horse battery staple';
const SHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const STEP = 60_000;

let stack: Stack;
let llm: FakeLlm;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let repo: string;
const consoleErrors: string[] = [];

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function logIn(p: Page): Promise<void> {
  await p.goto(stack.baseUrl);
  await p.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('main', { name: 'Chat' }).waitFor({ timeout: 15_000 });
}

/** Lines of the terminal's buffer, read through xterm's API (the app exposes its terminals). */
function terminalText(p: Page): Promise<string> {
  return p.evaluate(() => {
    const terms =
      (
        window as unknown as {
          __forgeTerminals?: Record<
            string,
            { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } }
          >;
        }
      ).__forgeTerminals ?? {};
    return Object.values(terms)
      .map((t) => {
        const b = t.buffer.active;
        const out: string[] = [];
        for (let i = 0; i < b.length; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
        return out.join('\n');
      })
      .join('\n');
  });
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

describe('the web app in a browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    llm = await startFakeLlm({ delayMs: 15 });
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    repo = join(dirs.workspace, 'demo');
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, 'README.md'), '# demo\n\nA project for the browser test.\n');
    writeFileSync(join(repo, 'hello.txt'), 'hello\n');
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
    git('add', '-A');
    git('-c', 'user.name=pi-forge test', '-c', 'user.email=test@pi-forge.invalid', 'commit', '-qm', 'initial commit');
    stack = await startStack({
      name: 'web-e2e',
      dirs,
      env: {
        UI_PASSWORD: PASSWORD,
        GIT_AUTHOR_NAME: 'pi-forge test',
        GIT_AUTHOR_EMAIL: 'test@pi-forge.invalid',
        GIT_COMMITTER_NAME: 'pi-forge test',
        GIT_COMMITTER_EMAIL: 'test@pi-forge.invalid',
      },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
    await llm?.close();
  }, 30_000);

  it(
    'logs in with the password',
    async () => {
      await page.goto(stack.baseUrl);
      await page.getByRole('heading', { name: 'pi-forge' }).waitFor();
      await page.getByLabel('Password', { exact: true }).fill('wrong password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('did not match');
      await shot(page, '01-login');
      await logIn(page);
      expect(await page.evaluate(() => localStorage.getItem('pi-forge/auth-token'))).toBeTruthy();
      await shot(page, '02-empty-workspace');
    },
    STEP,
  );

  it(
    'adds a project through the folder browser',
    async () => {
      await page.getByRole('button', { name: '+ Add project' }).click();
      await page.getByRole('button', { name: /demo/ }).first().click();
      await expect.poll(() => page.getByLabel('Project name').inputValue()).toBe('demo');
      await shot(page, '03-folder-browser');
      await page.getByRole('button', { name: 'Add project', exact: true }).click();
      await page.getByRole('button', { name: 'demo', exact: true }).waitFor();
      const projects = (await (await stack.api('/api/v1/projects', { headers: { authorization: `Bearer ${await token()}` } })).json()) as {
        projects: { name: string; path: string }[];
      };
      expect(projects.projects.map((p) => p.name)).toEqual(['demo']);
      expect(projects.projects[0]!.path.endsWith('/demo')).toBe(true);
      // The file tree of the new project shows its files.
      await page.getByRole('tree', { name: 'Project files' }).getByText('hello.txt').waitFor();
    },
    STEP,
  );

  it(
    'sends a prompt and shows the streamed answer and a bash tool card with its output',
    async () => {
      await page.getByRole('button', { name: 'New session', exact: true }).click();
      await expect.poll(() => page.locator('.conn').textContent(), { timeout: 10_000 }).toBe('Live');
      const composer = page.getByLabel('Message', { exact: true });
      await composer.fill('Please run the greeting command in the workspace');
      await composer.press('Enter');
      const card = page.locator('.tool-card[data-tool="bash"]');
      await card.waitFor({ timeout: 20_000 });
      await expect.poll(() => card.textContent(), { timeout: 20_000 }).toContain('hello-from-tool');
      expect(await card.locator('.tool-head').textContent()).toContain('echo hello-from-tool');
      await expect
        .poll(() => page.getByRole('article', { name: 'Agent' }).last().textContent(), { timeout: 20_000 })
        .toContain(ANSWER_TOKENS.join('').trim());
      await expect.poll(() => page.locator('.conn').textContent()).toBe('Live');
      expect(await composer.inputValue()).toBe('');
      // The first prompt named the session; the sidebar shows the new name.
      await page.getByRole('button', { name: 'Run Greeting Command', exact: true }).waitFor({ timeout: 10_000 });
      await shot(page, '04-chat-tool-card');
      // Export from the sidebar: a Markdown file of the conversation.
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 10_000 }),
        page.getByRole('button', { name: 'Export session Run Greeting Command as Markdown' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.md$/);
      expect(readFileSync((await download.path())!, 'utf8')).toContain('Please run the greeting command');
    },
    STEP,
  );

  it(
    'opens, edits and saves a file, and the change is on disk',
    async () => {
      await page.getByRole('tab', { name: 'Files' }).click();
      await page.getByRole('tree', { name: 'Project files' }).getByText('hello.txt').click();
      const editor = page.locator('.cm-content');
      await expect.poll(() => editor.textContent()).toBe('hello');
      await editor.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('hello from the browser');
      await expect.poll(() => page.getByRole('button', { name: 'Save' }).isEnabled()).toBe(true);
      await page.keyboard.press('ControlOrMeta+S');
      await expect.poll(() => readFileSync(join(repo, 'hello.txt'), 'utf8'), { timeout: 10_000 }).toBe('hello from the browser');
      await page.getByRole('status').filter({ hasText: 'Saved hello.txt' }).waitFor();
      await shot(page, '05-editor-saved');
      // A new file from the tree's + button, nested folders included; and a path that leaves the project is refused.
      await page.getByRole('button', { name: 'New file' }).click();
      await page.getByLabel('New file path').fill('../escape.txt');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'inside the project' }).waitFor();
      expect(existsSync(join(repo, '..', 'escape.txt'))).toBe(false);
      await page.getByLabel('New file path').fill('docs/todo.md');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await expect.poll(() => existsSync(join(repo, 'docs', 'todo.md'))).toBe(true);
      await page.getByRole('tab', { name: /todo\.md/ }).waitFor();
    },
    STEP,
  );

  it(
    'searches the project, completes @ paths and answers / commands in the composer',
    async () => {
      await page.getByRole('tab', { name: 'Search' }).click();
      await page.getByLabel('Search in files').fill('from the browser');
      await page.getByLabel('Search in files').press('Enter');
      await page.getByRole('button', { name: /hello\.txt:1/ }).waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: /hello\.txt:1/ }).click();
      await expect.poll(() => page.getByRole('tab', { name: 'Files' }).getAttribute('aria-selected')).toBe('true');

      const composer = page.getByLabel('Message', { exact: true });
      await composer.fill('look at @hel');
      const options = page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option');
      // What the user sees: the rendered text, not the template's line breaks.
      await expect.poll(() => options.allInnerTexts(), { timeout: 10_000 }).toContain('@hello.txt');
      await composer.press('Tab');
      expect(await composer.inputValue()).toBe('look at @hello.txt ');
      await composer.fill('/he');
      await expect.poll(() => options.first().textContent()).toContain('/help');
      await composer.fill('/help');
      await composer.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Alt+N new session' }).waitFor();
      expect(await composer.inputValue()).toBe('');
    },
    STEP,
  );

  it(
    'runs echo in the terminal, and after a reload shows the earlier output again',
    async () => {
      await page.getByRole('button', { name: 'Terminal' }).click();
      const input = page.locator('.terminal-view:visible .xterm-helper-textarea');
      await input.waitFor({ timeout: 15_000 });
      await expect.poll(() => terminalText(page), { timeout: 15_000 }).toMatch(/\$|#/);
      await input.focus();
      await page.keyboard.type('echo e2e-$((40+2))\n');
      await expect.poll(() => terminalText(page), { timeout: 15_000 }).toMatch(/^e2e-42$/m);
      const tabsBefore = await page.evaluate(() => sessionStorage.getItem('forge.terminal.tabs.v1'));
      await shot(page, '06-terminal');

      await page.reload();
      await page.locator('.terminal-view:visible .xterm-helper-textarea').waitFor({ timeout: 15_000 });
      expect(await page.evaluate(() => sessionStorage.getItem('forge.terminal.tabs.v1'))).toBe(tabsBefore);
      // The same tab id reattached, so the server replayed the shell's earlier output.
      await expect.poll(() => terminalText(page), { timeout: 15_000 }).toMatch(/^e2e-42$/m);
      await shot(page, '07-terminal-after-reload');
    },
    STEP,
  );

  it(
    'stages and commits in the git panel',
    async () => {
      writeFileSync(join(repo, 'README.md'), 'scribble\n');
      await page.getByRole('tab', { name: 'Git' }).click();
      await page.getByRole('button', { name: 'Refresh git status' }).click();
      page.once('dialog', (d) => void d.accept());
      await page.getByRole('button', { name: 'Discard changes to README.md' }).click();
      await expect.poll(() => readFileSync(join(repo, 'README.md'), 'utf8')).toBe('# demo\n\nA project for the browser test.\n');
      await page.getByRole('button', { name: 'Show the diff of hello.txt' }).click();
      await expect.poll(() => page.getByRole('region', { name: 'Diff of hello.txt' }).textContent()).toContain('+hello from the browser');
      await page.getByRole('button', { name: 'Stage hello.txt' }).click();
      await page.getByRole('button', { name: 'Unstage hello.txt' }).waitFor();
      await page.getByLabel('Commit message').fill('Greet from the browser');
      await shot(page, '08-git-staged');
      await page.getByRole('button', { name: /^Commit 1 file$/ }).click();
      await expect.poll(() => git('log', '-1', '--format=%s').trim(), { timeout: 10_000 }).toBe('Greet from the browser');
      expect(git('show', 'HEAD:hello.txt')).toBe('hello from the browser');
      await page.getByText('Greet from the browser').first().waitFor();
      await expect.poll(() => page.getByRole('region', { name: 'Diff of hello.txt' }).count()).toBe(0); // no stale diff
      await shot(page, '09-git-committed');
    },
    STEP,
  );

  it(
    'forks the conversation from its first prompt into a new session',
    async () => {
      await page.getByRole('button', { name: 'History' }).click();
      const dialog = page.getByRole('dialog', { name: 'Session history' });
      await dialog.getByRole('button', { name: /^Fork from: Please run the greeting/ }).click();
      await dialog.waitFor({ state: 'detached' });
      // The clone is open: same first prompt, and it sits in the sidebar beside the source.
      await page.getByRole('button', { name: 'Run Greeting Command (clone)', exact: true }).waitFor({ timeout: 10_000 });
      await expect.poll(() => page.locator('.crumbs').textContent()).toContain('(clone)');
      await expect
        .poll(() => page.getByRole('article', { name: 'You' }).first().textContent())
        .toContain('Please run the greeting command');
      await shot(page, '10-forked');
      // Back to the source session for the next steps.
      await page.getByRole('button', { name: 'Run Greeting Command', exact: true }).click();
    },
    STEP,
  );

  it(
    'shows what the agent wrote: the last-turn diff, the file tree and git status follow the run',
    async () => {
      llm.enqueue(
        { tool: { name: 'write', args: { path: 'notes.md', content: '# Notes\n\nwritten by the agent\n' } } },
        { text: 'Wrote notes.md.' },
      );
      const composer = page.getByLabel('Message', { exact: true });
      await composer.fill('Write some notes');
      await composer.press('Enter');
      await page.locator('.tool-card[data-tool="write"]').waitFor({ timeout: 20_000 });
      await expect.poll(() => page.locator('.tool-card[data-tool="write"] .line.add').allTextContents()).toContain('+written by the agent');
      await page.getByRole('button', { name: 'Send' }).waitFor({ timeout: 20_000 }); // the run ended
      expect(readFileSync(join(repo, 'notes.md'), 'utf8')).toBe('# Notes\n\nwritten by the agent\n');
      await page.getByRole('tab', { name: 'Last turn' }).click();
      await expect.poll(() => page.locator('.turn-diff').textContent(), { timeout: 10_000 }).toContain('notes.md');
      expect(await page.locator('.turn-diff').textContent()).toContain('+written by the agent');
      await shot(page, '10a-last-turn');
      await page.getByRole('tab', { name: 'Files' }).click();
      await page.getByRole('tree', { name: 'Project files' }).getByText('notes.md').waitFor({ timeout: 10_000 });
      await page.getByRole('tab', { name: 'Git' }).click();
      await page.getByRole('button', { name: 'Stage notes.md' }).waitFor({ timeout: 10_000 });
    },
    STEP,
  );

  it(
    'stops a running agent from the composer',
    async () => {
      llm.enqueue({ text: Array.from({ length: 200 }, (_, i) => `slow${i} `), delayMs: 100 });
      const composer = page.getByLabel('Message', { exact: true });
      await composer.fill('Write a long answer [no-tool]');
      await composer.press('Enter');
      const stop = page.getByRole('button', { name: 'Stop' });
      await stop.waitFor({ timeout: 15_000 });
      await expect.poll(() => page.getByRole('article', { name: 'Agent' }).last().textContent(), { timeout: 15_000 }).toContain('slow3');
      await expect.poll(() => page.locator('.dot.live').count()).toBe(1); // the sidebar shows it running
      // While it runs, Enter steers: the text is queued for the agent and shown as such.
      await composer.fill('also keep it short');
      await composer.press('Enter');
      await page.locator('.queue').filter({ hasText: 'also keep it short' }).waitFor({ timeout: 10_000 });
      await shot(page, '10b-running');
      await stop.click();
      await page.getByRole('button', { name: 'Send' }).waitFor({ timeout: 15_000 });
      const text = (await page.getByRole('article', { name: 'Agent' }).last().textContent()) ?? '';
      expect(text).not.toContain('slow199');
      expect(await page.locator('.dot.live').count()).toBe(0);
    },
    STEP,
  );

  it('survives a gateway crash: the stream and the terminal reconnect, typed text stays', async () => {
    const composer = page.getByLabel('Message', { exact: true });
    await composer.fill('a draft typed before the crash');
    await stack.kill9('gateway');
    await expect.poll(() => page.locator('.conn').textContent(), { timeout: 15_000 }).toBe('Reconnecting…');
    await shot(page, '10c-reconnecting');
    await composer.press('End');
    await page.keyboard.type(' and after it');
    // Backoff 1, 2, 4, 8, 16, 30 s: on a loaded machine the gateway may need a while to come back.
    await expect.poll(() => page.locator('.conn').textContent(), { timeout: 90_000 }).toBe('Live');
    expect(await composer.inputValue()).toBe('a draft typed before the crash and after it');
    // The shell lives in the pty service: the terminal reattaches and still shows its output.
    await expect.poll(() => terminalText(page), { timeout: 60_000 }).toContain('[reconnected]');
    expect(await terminalText(page)).toMatch(/^e2e-42$/m);
    await composer.fill('');
  }, 180_000);

  it(
    'shows the chat first on a phone, with the sidebar in a drawer',
    async () => {
      const phone = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 2,
      });
      try {
        const p = await phone.newPage();
        await logIn(p);
        await p.getByRole('main', { name: 'Chat' }).waitFor();
        await p.getByLabel('Message', { exact: true }).waitFor({ timeout: 10_000 });
        expect(await p.locator('.right-col').count()).toBe(0);
        expect(await p.locator('.terminal-row').count()).toBe(0);
        expect(await p.getByRole('navigation', { name: 'Projects' }).isVisible()).toBe(false);
        await p.getByRole('button', { name: 'Open the sidebar' }).click();
        await expect.poll(() => p.getByRole('navigation', { name: 'Projects' }).isVisible()).toBe(true);
        await expect.poll(async () => (await p.locator('.sidebar').boundingBox())?.x).toBe(0); // slid in fully
        await shot(p, '11-mobile-drawer');
        await p.getByRole('button', { name: 'Run Greeting Command', exact: true }).click();
        await expect.poll(() => p.getByRole('navigation', { name: 'Projects' }).isVisible()).toBe(false);
        await p.locator('.tool-card[data-tool="bash"]').waitFor({ timeout: 15_000 });
        await shot(p, '12-mobile-chat');
      } finally {
        await phone.close();
      }
    },
    STEP,
  );

  it(
    'passes accessibility basics: names on controls, focus order, contrast of the default theme',
    async () => {
      // Every form control and button has an accessible name.
      const unnamed = await page.evaluate(() => {
        const bad: string[] = [];
        for (const el of Array.from(document.querySelectorAll('button, input:not([type=hidden]), select, textarea, [role=tab]'))) {
          const e = el as HTMLElement;
          if (e.closest('.xterm') || e.closest('.cm-editor')) continue; // third-party widgets label themselves
          const labelled =
            e.getAttribute('aria-label') ||
            e.getAttribute('aria-labelledby') ||
            (e.id && document.querySelector(`label[for="${e.id}"]`)) ||
            e.closest('label') ||
            (e.textContent ?? '').trim() ||
            e.getAttribute('title');
          if (!labelled) bad.push(e.outerHTML.slice(0, 120));
        }
        return bad;
      });
      expect(unnamed).toEqual([]);

      // Focus order follows the layout: top bar, then the sidebar, then the chat.
      await page.goto(stack.baseUrl);
      await page.getByRole('navigation', { name: 'Projects' }).waitFor();
      const order: string[] = [];
      for (let i = 0; i < 40; i++) {
        // Inside the terminal Tab belongs to the shell; Escape first, as a keyboard user would.
        if (await page.evaluate(() => !!document.activeElement?.classList.contains('xterm-helper-textarea')))
          await page.keyboard.press('Escape');
        await page.keyboard.press('Tab');
        order.push(
          await page.evaluate(() => {
            const a = document.activeElement as HTMLElement | null;
            if (!a) return '';
            const region = a.closest('.topbar')
              ? 'top'
              : a.closest('.sidebar')
                ? 'side'
                : a.closest('.chat-col')
                  ? 'chat'
                  : a.closest('.right-col')
                    ? 'right'
                    : a.closest('.terminal-row')
                      ? 'term'
                      : 'other';
            const r = a.getBoundingClientRect();
            // xterm takes keys through an off-screen textarea by design; everything else must be on screen.
            const shown = a.classList.contains('xterm-helper-textarea') || (r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0);
            return `${region}:${shown ? 'visible' : 'hidden'}:${a.tagName}.${a.className}`;
          }),
        );
      }
      // The terminal keeps Tab for the shell; Escape then Tab leaves it (no keyboard trap).
      await page.locator('.terminal-view:visible .xterm-helper-textarea').focus();
      await page.keyboard.press('Escape');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('.terminal-view'))).toBe(false);
      const regions = order.map((o) => o.split(':')[0]!);
      const firstIndex = (r: string) => regions.indexOf(r);
      expect(order.filter((o) => o.split(':')[1] !== 'visible')).toEqual([]);
      expect(firstIndex('top')).toBe(0);
      expect(firstIndex('side')).toBeGreaterThan(firstIndex('top'));
      expect(firstIndex('chat')).toBeGreaterThan(firstIndex('side'));
      expect(regions).toContain('chat');

      // Contrast (WCAG AA, 4.5:1) of the text pairs: the default dark theme, then the light one.
      const ratios = await page.evaluate(() => {
        const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = (rgb: number[]) => {
          const [r, g, b] = rgb.map((v) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const ratio = (a: string, b: string) => {
          const [x, y] = [lum(parse(a)), lum(parse(b))].sort((m, n) => n - m);
          return (x! + 0.05) / (y! + 0.05);
        };
        const css = getComputedStyle(document.documentElement);
        const v = (n: string) => {
          const d = document.createElement('div');
          d.style.color = css.getPropertyValue(n);
          document.body.appendChild(d);
          const c = getComputedStyle(d).color;
          d.remove();
          return c;
        };
        return {
          theme: document.documentElement.dataset.theme,
          text: ratio(v('--text'), v('--bg')),
          textOnPanel: ratio(v('--text'), v('--panel')),
          muted: ratio(v('--muted'), v('--bg')),
          mutedOnPanel: ratio(v('--muted'), v('--panel')),
          primaryButton: ratio(v('--accent-text'), v('--accent')),
          link: ratio(v('--link'), v('--bg')),
          danger: ratio(v('--danger'), v('--bg')),
        };
      });
      expect(ratios.theme).toBe('dark');
      for (const [pair, r] of Object.entries(ratios)) if (pair !== 'theme') expect(r as number, pair).toBeGreaterThanOrEqual(4.5);
      const light = await page.evaluate(() => {
        document.documentElement.dataset.theme = 'light';
        const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = (rgb: number[]) => {
          const [r, g, b] = rgb.map((v) => {
            const x = v / 255;
            return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const ratio = (a: string, b: string) => {
          const [x, y] = [lum(parse(a)), lum(parse(b))].sort((m, n) => n - m);
          return (x! + 0.05) / (y! + 0.05);
        };
        const css = getComputedStyle(document.documentElement);
        const v = (n: string) => {
          const d = document.createElement('div');
          d.style.color = css.getPropertyValue(n);
          document.body.appendChild(d);
          const c = getComputedStyle(d).color;
          d.remove();
          return c;
        };
        const out = {
          text: ratio(v('--text'), v('--bg')),
          mutedOnPanel: ratio(v('--muted'), v('--panel')),
          primaryButton: ratio(v('--accent-text'), v('--accent')),
          link: ratio(v('--link'), v('--bg')),
          danger: ratio(v('--danger'), v('--bg')),
        };
        document.documentElement.dataset.theme = 'dark';
        return out;
      });
      for (const [pair, r] of Object.entries(light)) expect(r, `light ${pair}`).toBeGreaterThanOrEqual(4.5);
      await shot(page, '13-focus-and-theme');
      // Connection errors logged while the gateway was down are expected; nothing else is, and no
      // URL the app opened ever carried the login token.
      expect(consoleErrors.filter((e) => !/favicon|Failed to load resource|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
      expect(consoleErrors.filter((e) => /token=/.test(e))).toEqual([]);
    },
    STEP,
  );

  it(
    'settings: lists providers without showing keys, switches to the light theme and back',
    async () => {
      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.waitFor();
      await dialog.getByRole('list', { name: 'Providers ready to use' }).getByText('fake', { exact: true }).waitFor({ timeout: 10_000 });
      // models.json comes back with the key redacted, never the key itself.
      await expect.poll(() => dialog.getByLabel('models.json providers').inputValue()).toContain('***REDACTED***');
      expect(await dialog.getByLabel('models.json providers').inputValue()).not.toContain('sk-fake-key');
      await shot(page, '14-settings-providers');
      await dialog.getByRole('tab', { name: 'Appearance' }).click();
      await dialog.getByLabel('Light').check();
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
      await dialog.getByRole('button', { name: 'Close settings' }).click();
      await shot(page, '15-light-theme');
      expect(await page.evaluate(() => localStorage.getItem('pi-forge/theme'))).toBe('light');
      await page.keyboard.press('ControlOrMeta+,');
      await dialog.getByRole('tab', { name: 'Appearance' }).click();
      await dialog.getByLabel('Dark').check();
      await dialog.getByRole('button', { name: 'Close settings' }).click();
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    },
    STEP,
  );

  it(
    'is an installable PWA: manifest, a service worker that never caches the API, and an offline page',
    async () => {
      const manifest = (await (await fetch(`${stack.baseUrl}/manifest.webmanifest`)).json()) as {
        display: string;
        icons: { sizes: string }[];
      };
      expect(manifest.display).toBe('standalone');
      expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
      await page.reload();
      await page.getByRole('main', { name: 'Chat' }).waitFor();
      await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 15_000 }).toBe(true);
      const cached = await page.evaluate(async () => {
        const urls: string[] = [];
        for (const name of await caches.keys())
          for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
        return urls;
      });
      expect(cached).toContain('/offline.html');
      expect(cached.filter((u) => u.startsWith('/api/'))).toEqual([]);
      await context.setOffline(true);
      try {
        await page.goto(`${stack.baseUrl}/some/page`);
        await page.getByRole('heading', { name: 'pi-forge is offline' }).waitFor({ timeout: 10_000 });
        await shot(page, '16-offline');
      } finally {
        await context.setOffline(false);
      }
    },
    STEP,
  );

  it(
    'changes the password in settings, then signs in with the new one',
    async () => {
      await page.goto(stack.baseUrl);
      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.getByRole('tab', { name: 'General' }).click();
      await dialog.getByLabel('Current password').fill(PASSWORD);
      await dialog.getByLabel('New password', { exact: true }).fill('short');
      await dialog.getByLabel('Repeat the new password').fill('short');
      await dialog.getByRole('button', { name: 'Change password' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'at least 8' }).waitFor();
      const next = 'a brand new passphrase';
      await dialog.getByLabel('New password', { exact: true }).fill(next);
      await dialog.getByLabel('Repeat the new password').fill(next);
      await dialog.getByRole('button', { name: 'Change password' }).click();
      await dialog.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor({ timeout: 10_000 });
      await dialog.getByRole('button', { name: 'Close settings' }).click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'did not match' }).waitFor();
      await page.getByLabel('Password', { exact: true }).fill(next);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('main', { name: 'Chat' }).waitFor({ timeout: 15_000 });
    },
    STEP,
  );
});

async function token(): Promise<string> {
  return (await page.evaluate(() => localStorage.getItem('pi-forge/auth-token'))) ?? '';
}

describe('the web app under MINIMAL_UI', () => {
  let mini: Stack;
  let miniBrowser: Browser;

  beforeAll(async () => {
    mini = await startStack({ name: 'web-e2e-minimal', env: { MINIMAL_UI: 'true' } });
    miniBrowser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await miniBrowser?.close();
    await mini?.dispose();
  }, 30_000);

  it(
    'hides the terminal, git and last-turn panes and provider settings, and adds projects by name',
    async () => {
      const p = await (await miniBrowser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await p.goto(mini.baseUrl); // auth is off: straight to the workspace
      await p.getByRole('navigation', { name: 'Projects' }).waitFor({ timeout: 15_000 });
      await p.getByRole('button', { name: '+ Add project' }).click();
      expect(await p.getByRole('list', { name: 'Folders' }).count()).toBe(0); // no folder browser
      await p.getByLabel('Project name').fill('mini');
      await p.getByRole('button', { name: 'Add project', exact: true }).click();
      await p.getByRole('button', { name: 'mini', exact: true }).waitFor();
      expect(existsSync(join(mini.dirs.workspace, 'mini'))).toBe(true);
      await p.getByRole('tablist', { name: 'Workspace panes' }).waitFor();
      expect(await p.getByRole('tablist', { name: 'Workspace panes' }).getByRole('tab').allTextContents()).toEqual(['Files', 'Search']);
      expect(await p.getByRole('button', { name: 'Terminal' }).count()).toBe(0);
      await p.getByRole('button', { name: 'Settings' }).click();
      expect(await p.getByRole('dialog', { name: 'Settings' }).getByRole('tab').allTextContents()).toEqual([
        'Skills',
        'Prompts',
        'Tools',
        'Appearance',
        'General',
      ]);
      await shot(p, '17-minimal-ui');
    },
    STEP,
  );
});
