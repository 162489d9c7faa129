// GET /api/v1/ui-config branding (docs/compatibility.md#health-and-ui-config) and the logo cache (§7.2) against the real
// gateway: logos served by a loopback HTTP server are cached into FORGE_DATA_DIR/cache/logos and
// served at /cache/logos/*; without the test-only preload the same loopback URLs are refused (SSRF)
// and never requested; direct mode hands the raw URLs to the browser and adds their origins to the CSP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, startStack, type Stack } from '@pi-forge/test-fixtures';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><script>alert(1)</script><rect width="8" height="8"/></svg>';
const SCHEME = '#FFF,#123,#abcdef,#000000,#777,#2563EB,#fff,#1d4ed8';
const PRELOAD = `--import=${pathToFileURL(join(REPO_ROOT, 'gateway/dist/test/allow-loopback-logos.js')).href}`;

interface LogoServer {
  base: string;
  hits: string[];
  close(): Promise<void>;
}

async function startLogoServer(): Promise<LogoServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/brand/login.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    if (req.url === '/brand/dark.svg') return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(SVG);
    if (req.url === '/brand/light') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not a logo</html>');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const fileOf = (path: unknown) => String(path).split('/').pop() ?? '';

const uiConfig = async (stack: Stack) => {
  const res = await fetch(`${stack.baseUrl}/api/v1/ui-config`, { signal: AbortSignal.timeout(15_000) });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
};

describe('ui-config: branding and the logo cache', () => {
  let logos: LogoServer;
  let stack: Stack;
  before(async () => {
    logos = await startLogoServer();
    stack = await startStack({
      name: 'ui-config-cache',
      env: {
        NODE_OPTIONS: PRELOAD,
        UI_PASSWORD: 'ui-config-password-Hd2',
        AUTH_BANNER_TEXT: 'Welcome\\nRead <b>the policy</b>',
        AUTH_BANNER_HTML: 'true',
        AUTH_COLOR_SCHEME: SCHEME,
        AUTH_LOGO_URL: `${logos.base}/brand/login.png`,
        APP_LOGO_DARK_URL: `${logos.base}/brand/dark.svg`,
        APP_LOGO_LIGHT_URL: `${logos.base}/brand/light`,
      },
    });
  });
  after(async () => {
    await stack?.dispose();
    await logos?.close();
  });

  it('answers the contract fields: banner, colour scheme, cache mode, no orchestration', async () => {
    const body = await uiConfig(stack);
    assert.equal(body.authBannerText, 'Welcome\nRead <b>the policy</b>');
    assert.equal(body.authBannerHtml, true);
    assert.equal(body.logoUrlMode, 'cache');
    assert.equal(body.orchestrationEnabled, false);
    assert.equal(body.passwordAuthEnabled, true);
    assert.deepEqual(body.authColorScheme, {
      pageBackground: '#ffffff',
      cardBackground: '#112233',
      border: '#abcdef',
      text: '#000000',
      mutedText: '#777777',
      buttonBackground: '#2563eb',
      buttonText: '#ffffff',
      buttonHoverBackground: '#1d4ed8',
    });
  });

  it('caches the logos into FORGE_DATA_DIR/cache/logos and serves them publicly at /cache/logos/*', async () => {
    const body = await uiConfig(stack);
    const hash = (u: string) => createHash('sha256').update(u).digest('hex').slice(0, 16);
    assert.equal(body.authLogoUrl, `/cache/logos/auth-${hash(`${logos.base}/brand/login.png`)}.png`);
    assert.equal(body.appLogoDarkUrl, `/cache/logos/appDark-${hash(`${logos.base}/brand/dark.svg`)}.svg`);
    assert.equal(body.appLogoLightUrl, undefined, 'an HTML page is not a logo: the slot stays empty');
    const dir = join(stack.dirs.data, 'cache', 'logos');
    assert.deepEqual(readdirSync(dir).sort(), [fileOf(body.appLogoDarkUrl), fileOf(body.authLogoUrl)].sort(), 'no temp files left');
    assert.equal(statSync(join(dir, fileOf(body.authLogoUrl))).mode & 0o777, 0o644);

    // No credentials needed (auth is on), and the bytes are the server's.
    const png = await fetch(`${stack.baseUrl}${body.authLogoUrl}`);
    assert.equal(png.status, 200);
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await png.arrayBuffer()), PNG);
    assert.equal(png.headers.get('x-content-type-options'), 'nosniff');
    // An SVG opened directly must not run its script on our origin.
    const svg = await fetch(`${stack.baseUrl}${body.appLogoDarkUrl}`);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    assert.match(svg.headers.get('content-security-policy') ?? '', /default-src 'none'.*sandbox/);
    assert.equal(await svg.text(), readFileSync(join(dir, fileOf(body.appLogoDarkUrl)), 'utf8'));
    // The browser never needs the remote origin: img-src stays same-origin.
    assert.match(png.headers.get('content-security-policy') ?? '', /img-src 'self' data: blob:;/);
  });

  it('serves nothing else under /cache/logos', async () => {
    for (const path of [
      '/cache/logos/auth-0000000000000000.png',
      '/cache/logos/..%2F..%2Fjwt-secret',
      '/cache/logos/%2e%2e%2fpassword-hash',
      '/cache/logos/',
    ]) {
      const res = await fetch(`${stack.baseUrl}${path}`);
      assert.notEqual(res.status, 200, path);
      assert.ok(!(await res.text()).includes('secret'), path);
    }
  });

  it('logs the cached logos and why the third was not cached', async () => {
    await stack.logsSettled();
    assert.equal(stack.logs.filter((l) => l.msg === 'logo cached').length, 2);
    const skipped = stack.logs.find((l) => l.msg === 'logo not cached; the built-in logo is shown');
    assert.equal(skipped?.slot, 'appLight');
    assert.match(String(skipped?.reason), /not an image type: text\/html/);
    assert.ok(
      stack.logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith('TEST HOOK ACTIVE')),
      'the test hook announces itself',
    );
  });
});

describe('ui-config: the logo cache refuses loopback and private addresses (SSRF)', () => {
  let logos: LogoServer;
  let stack: Stack;
  before(async () => {
    logos = await startLogoServer();
    const port = new URL(logos.base).port;
    stack = await startStack({
      name: 'ui-config-ssrf',
      env: {
        // 'localhost' resolves to loopback: refused after resolution, like the literal addresses.
        AUTH_URL_LOGO: `http://localhost:${port}/brand/login.png`,
        APP_LOGO_DARK_URL: `${logos.base}/brand/dark.svg`,
        APP_LOGO_LIGHT_URL: `http://[::ffff:127.0.0.1]:${port}/brand/login.png`,
      },
    });
  });
  after(async () => {
    await stack?.dispose();
    await logos?.close();
  });

  it('caches nothing, never contacts the server, and logs each refusal', async () => {
    const body = await uiConfig(stack);
    for (const key of ['authLogoUrl', 'appLogoDarkUrl', 'appLogoLightUrl']) assert.equal(body[key], undefined, key);
    assert.deepEqual(logos.hits, []);
    await stack.logsSettled();
    const refusals = stack.logs.filter((l) => l.msg === 'logo not cached; the built-in logo is shown');
    assert.deepEqual(refusals.map((l) => l.slot).sort(), ['appDark', 'appLight', 'auth']);
    for (const l of refusals) assert.match(String(l.reason), /refused loopback address/);
    assert.ok(!stack.logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith('TEST HOOK')));
  });
});

describe('ui-config: direct logo mode', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      name: 'ui-config-direct',
      env: {
        LOGO_URL_MODE: 'direct',
        AUTH_URL_LOGO: 'https://cdn.example.test/a/login.png',
        AUTH_LOGO_URL: 'https://legacy.example.test/ignored.png',
        APP_LOGO_LIGHT_URL: 'https://img.example.test/light.svg',
      },
    });
  });
  after(async () => {
    await stack?.dispose();
  });

  it('hands the configured URLs to the browser and lets the CSP load them (not the unused legacy one)', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/ui-config`);
    const body = await res.json();
    assert.equal(body.logoUrlMode, 'direct');
    assert.equal(body.authLogoUrl, 'https://cdn.example.test/a/login.png', 'AUTH_URL_LOGO wins over the legacy AUTH_LOGO_URL');
    assert.equal(body.appLogoLightUrl, 'https://img.example.test/light.svg');
    assert.equal(body.appLogoDarkUrl, undefined);
    assert.match(
      res.headers.get('content-security-policy') ?? '',
      /img-src 'self' data: blob: https:\/\/cdn\.example\.test https:\/\/img\.example\.test;/,
    );
    assert.equal((await fetch(`${stack.baseUrl}/cache/logos/auth-0000000000000000.png`)).status, 404);
  });
});
