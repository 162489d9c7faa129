// fetchLogo against a real HTTP server on loopback, with a policy that allows exactly 127.0.0.1 (the
// production policy refuses loopback; its own cases are at the end): redirects, limits, types, bytes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { lookup as dnsLookup } from 'node:dns';
import { publicAddressesOnly, type AddressPolicy } from './address-policy.js';
import { fetchLogo, LogoFetchError } from './logo-fetcher.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>';
const onlyLocalhost: AddressPolicy = { refuse: (a) => (a === '127.0.0.1' ? undefined : `${a} is not 127.0.0.1`) };

/** A resolver that knows two test names: one good, one with a second, refused address. */
const fakeLookup = ((host: string, _o: unknown, cb: (e: Error | null, a: { address: string; family: number }[]) => void) => {
  if (host === 'logo.test') return cb(null, [{ address: '127.0.0.1', family: 4 }]);
  if (host === 'rebind.test')
    return cb(null, [
      { address: '127.0.0.1', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ]);
  cb(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
}) as unknown as typeof dnsLookup;

describe('fetchLogo', () => {
  let server: Server;
  let base = '';
  let port = 0;
  before(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      if (path === '/logo.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      if (path === '/logo.svg') return res.writeHead(200, { 'content-type': 'image/svg+xml; charset=utf-8' }).end(SVG);
      if (path === '/octet.png') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(PNG);
      if (path === '/page.png') return res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not a png</html>');
      if (path === '/page.html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
      if (path === '/big.png')
        return res
          .writeHead(200, { 'content-type': 'image/png', 'content-length': String(3 * 1024 * 1024) })
          .end(Buffer.alloc(3 * 1024 * 1024));
      if (path === '/big-chunked.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(PNG);
        return res.end(Buffer.alloc(3 * 1024 * 1024));
      }
      if (path === '/slow.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(PNG.subarray(0, 4));
        return;
      }
      if (path.startsWith('/hop/')) {
        const n = Number(path.slice(5));
        return res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/logo.png' }).end();
      }
      if (path === '/to-private') return res.writeHead(301, { location: 'http://10.0.0.7/logo.png' }).end();
      if (path === '/to-file') return res.writeHead(301, { location: 'file:///etc/passwd' }).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const reason = async (url: string, extra: Partial<Parameters<typeof fetchLogo>[1]> = {}) => {
    try {
      await fetchLogo(url, { policy: onlyLocalhost, lookup: fakeLookup, ...extra });
    } catch (err) {
      assert.ok(err instanceof LogoFetchError, String(err));
      return err.reason;
    }
    assert.fail(`${url} was fetched`);
  };

  it('fetches PNG and SVG images, and an octet-stream whose name says PNG', async () => {
    assert.deepEqual(await fetchLogo(`${base}/logo.png`, { policy: onlyLocalhost }), { bytes: PNG, ext: '.png' });
    assert.equal((await fetchLogo(`${base}/logo.svg`, { policy: onlyLocalhost })).ext, '.svg');
    assert.equal((await fetchLogo(`${base}/octet.png`, { policy: onlyLocalhost })).ext, '.png');
  });

  it('follows up to three redirects, not four', async () => {
    assert.equal((await fetchLogo(`${base}/hop/2`, { policy: onlyLocalhost })).ext, '.png');
    assert.equal(await reason(`${base}/hop/3`), 'too many redirects');
  });

  it('checks every address a name resolves to, and every redirect target', async () => {
    assert.equal((await fetchLogo(`http://logo.test:${port}/logo.png`, { policy: onlyLocalhost, lookup: fakeLookup })).ext, '.png');
    assert.match(await reason(`http://rebind.test:${port}/logo.png`), /refused 10\.0\.0\.7 is not 127\.0\.0\.1 for rebind\.test/);
    assert.match(await reason(`${base}/to-private`), /refused 10\.0\.0\.7/);
    assert.match(await reason(`${base}/to-file`), /file: URLs are not fetched/);
    assert.match(await reason(`http://127.0.0.2:${port}/logo.png`), /refused/);
    assert.match(await reason(`http://user:pw@127.0.0.1:${port}/logo.png`), /credentials/);
  });

  it('refuses non-images, bytes that do not match the type, and more than 2 MB', async () => {
    assert.match(await reason(`${base}/page.html`), /not an image type: text\/html/);
    assert.match(await reason(`${base}/page.png`), /not a png image/);
    assert.match(await reason(`${base}/big.png`), /larger than 2097152 bytes/);
    assert.match(await reason(`${base}/big-chunked.png`), /larger than 2097152 bytes/);
    assert.equal(await reason(`${base}/missing.png`), 'HTTP 404');
  });

  it('gives up after the timeout', async () => {
    assert.equal(await reason(`${base}/slow.png`, { timeoutMs: 300 }), 'timed out');
  });
});

describe('publicAddressesOnly', () => {
  it('refuses loopback, private, link-local, CGNAT, reserved and mapped addresses', () => {
    for (const a of [
      '127.0.0.1',
      '127.9.9.9',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '192.0.2.1',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::1',
      '2001:db8::1',
      'ff02::1',
      'not-an-ip',
    ]) {
      assert.ok(publicAddressesOnly.refuse(a), a);
    }
  });
  it('allows public unicast addresses', () => {
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34'])
      assert.equal(publicAddressesOnly.refuse(a), undefined, a);
  });
});
