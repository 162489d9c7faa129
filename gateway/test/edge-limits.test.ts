// Issue 12.1 from outside: auth runs before any body is read, every route has a body limit (1 MiB
// unless it declares the contract's 100 MB), and JSON is refused by depth and value count before it
// is parsed. The flood test sends two unauthenticated 99 MB `[{},{},…]` bodies at once while health
// keeps answering; the bounds on health latency and gateway RSS are robustness bounds on an attack.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { rssBytes, seedProject, startStack, type Stack } from '@pi-forge/test-fixtures';

const API_KEY = 'edge-limits-api-key-4c8e2a6b0d1f3e5a7c9b';
const PASSWORD = 'edge-limits-password-Zq3';
const FLOOD_BYTES = 99 * 1024 * 1024;

interface Sent {
  status: number;
  body: string;
}

/**
 * Streams `[{},{},…]` of `bytes` to the gateway (with a Content-Length unless `chunked`), honouring
 * backpressure, and resolves with the answer once the whole body is out or the server hung up on it.
 */
function flood(
  baseUrl: string,
  method: string,
  path: string,
  bytes: number,
  headers: Record<string, string> = {},
  chunked = false,
): Promise<Sent> {
  const url = new URL(path, baseUrl);
  const chunk = Buffer.from('{},'.repeat(349_525)); // ~1 MiB
  return new Promise((resolve, reject) => {
    let answer: Sent | undefined;
    let finished = false;
    const settle = () => {
      if (answer && finished) {
        clearTimeout(timer);
        resolve(answer);
      }
    };
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${method} ${path}: no answer within 120 s`));
    }, 120_000);
    const length = chunked ? {} : { 'content-length': String(bytes) };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname,
        headers: { 'content-type': 'application/json', ...length, ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => {
          answer = { status: res.statusCode ?? 0, body };
          settle();
        });
      },
    );
    // The server may hang up on the rest of the body once it has answered; that is its right.
    req.on('error', (err) => {
      finished = true;
      if (answer) settle();
      else {
        clearTimeout(timer);
        reject(err);
      }
    });
    req.on('finish', () => {
      finished = true;
      settle();
    });
    let sent = 0;
    const pump = () => {
      while (sent < bytes && !req.destroyed) {
        const n = Math.min(chunk.length, bytes - sent);
        const piece = sent === 0 ? Buffer.concat([Buffer.from('['), chunk.subarray(1, n)]) : chunk.subarray(0, n);
        sent += n;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

describe('edge: auth before the body, body limits, JSON caps', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ name: 'edge-limits', env: { API_KEY, UI_PASSWORD: PASSWORD } });
  });
  after(async () => {
    await stack?.dispose();
  });

  it('survives two unauthenticated 99 MB [{},{},…] bodies at once: health answers within 1 s, RSS stays under 400 MB', async () => {
    const pid = stack.pid('gateway');
    let done = false;
    let slowest = 0;
    let peakRss = rssBytes(pid) ?? 0;
    const probe = (async () => {
      while (!done) {
        const t0 = performance.now();
        const res = await fetch(`${stack.baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(5_000) });
        await res.arrayBuffer();
        slowest = Math.max(slowest, performance.now() - t0);
        peakRss = Math.max(peakRss, rssBytes(pid) ?? 0);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    // One to a route with the contract's 100 MB cap (only auth stops it), one to a public route (1 MiB).
    // The probe stops however the floods end, so a failed flood cannot leave it fetching after the test.
    const [write, login] = await Promise.all([
      flood(stack.baseUrl, 'PUT', '/api/v1/files/write', FLOOD_BYTES),
      flood(stack.baseUrl, 'POST', '/api/v1/auth/login', FLOOD_BYTES),
    ]).finally(() => (done = true));
    await probe;
    assert.equal(write.status, 401, write.body);
    assert.equal(JSON.parse(write.body).error, 'missing_token');
    assert.equal(login.status, 413, login.body);
    assert.equal(JSON.parse(login.body).error, 'payload_too_large');
    console.log(`flood: slowest health ${Math.round(slowest)} ms, peak gateway RSS ${Math.round(peakRss / 1048576)} MiB`);
    assert.ok(slowest < 1_000, `health took ${Math.round(slowest)} ms during the flood`);
    assert.ok(peakRss < 400 * 1024 * 1024, `gateway RSS reached ${Math.round(peakRss / 1048576)} MiB`);
    assert.equal((await stack.health()).status, 'ok');
  });

  it('answers an authenticated body over 1 MiB on an ordinary route with 413 payload_too_large', async () => {
    const res = await stack.api('/api/v1/projects', { method: 'POST', json: { name: 'x'.repeat(2 * 1024 * 1024) } });
    assert.equal(res.status, 413);
    const body = await res.json();
    assert.equal(body.error, 'payload_too_large');
    assert.equal(typeof body.message, 'string');
    // Without a Content-Length (chunked) the limit holds too. Just over the limit, so the whole body is
    // in the socket buffers before the server answers and hangs up (more would race the hang-up: EPIPE).
    const chunked = await flood(
      stack.baseUrl,
      'POST',
      '/api/v1/projects',
      1024 * 1024 + 64 * 1024,
      { authorization: `Bearer ${API_KEY}` },
      true,
    );
    assert.equal(chunked.status, 413, chunked.body);
  });

  it("keeps the contract's larger cap for file writes", async () => {
    const project = seedProject(stack.dirs, 'limits-project');
    const content = 'a'.repeat(3 * 1024 * 1024);
    const res = await stack.api('/api/v1/files/write', { method: 'PUT', json: { projectId: project.id, path: 'big.txt', content } });
    assert.equal(res.status, 200, await res.clone().text());
    const read = await stack.api(`/api/v1/files/read?projectId=${project.id}&path=big.txt`);
    assert.equal((await read.json()).content.length, content.length);
  });

  it('refuses deep nesting and huge value counts before parsing (413), even within the byte limit', async () => {
    const deep = `{"projectId":"p","path":"x","content":"c","extra":${'['.repeat(200)}${']'.repeat(200)}}`;
    let res = await stack.api('/api/v1/files/write', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: deep });
    assert.equal(res.status, 413);
    assert.match((await res.json()).message, /deeper than 64/);
    const many = `{"name":"n","extra":[${'0,'.repeat(300_000)}0]}`;
    res = await stack.api('/api/v1/projects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: many });
    assert.equal(res.status, 413);
    assert.match((await res.json()).message, /more than 200000 values/);
    // A string full of brackets and commas is one value.
    res = await stack.api('/api/v1/projects', { method: 'POST', json: { name: `${'[{,'.repeat(100_000)}` } });
    assert.notEqual(res.status, 413);
  });
});
