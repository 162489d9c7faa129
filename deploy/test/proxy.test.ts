// The reverse-proxy snippets of docs/deployment.md, run for real: Debian's nginx and Caddy in front of
// a real pi-forge (TRUST_PROXY=true), each started with the doc's exact block. Through each proxy:
// SSE events arrive one by one while the stream stays open, the terminal WebSocket upgrades and
// echoes, a 5 MB upload passes, and the login rate limit counts each client address on its own,
// forged headers or not.
// Distinct client addresses come from binding the client sockets to 127.0.0.x.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  configureFakeLlm,
  freePort,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  waitFor,
  type FakeLlm,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';
import { startCaddy, startNginx, type ProxyProcess } from './proxies.js';

const API_KEY = 'proxy-test-api-key-0123456789abcdef';
const UI_PASSWORD = 'proxy-test-password-Zx81';
const LOGIN_MAX = 3;
const TOKENS = Array.from({ length: 16 }, (_, i) => `t${i} `);
const TOKEN_DELAY_MS = 120;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request from a chosen local address (the proxy sees it as the client's address). */
function http(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; json?: unknown; localAddress?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        localAddress: opts.localAddress,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        timeout: 15_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

interface Received {
  type: string;
  at: number;
  data: Record<string, unknown>;
}

/** An SSE stream read event by event, with the arrival time of each. */
class Stream {
  readonly events: Received[] = [];
  status = 0;
  contentType = '';
  ended = false;
  private close: () => void = () => {};

  static open(url: string, headers: Record<string, string>): Promise<Stream> {
    const s = new Stream();
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        s.status = res.statusCode ?? 0;
        s.contentType = String(res.headers['content-type'] ?? '');
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (data) {
              const parsed = JSON.parse(data) as Record<string, unknown>;
              s.events.push({ type: String(parsed.type), at: performance.now(), data: parsed });
            }
          }
        });
        res.on('end', () => {
          s.ended = true;
        });
        res.on('error', () => {
          s.ended = true;
        });
        resolve(s);
      });
      s.close = () => req.destroy();
      req.on('error', (err) => (s.status ? (s.ended = true) : reject(err)));
      req.end();
    });
  }

  waitFor(pred: (e: Received) => boolean, label: string, timeoutMs = 20_000): Promise<Received> {
    return waitFor(
      label,
      () =>
        this.events.find(pred) ??
        (this.ended ? Promise.reject(new Error(`stream ended; saw ${this.events.map((e) => e.type).join(',')}`)) : false),
      timeoutMs,
      10,
    );
  }

  stop(): void {
    this.close();
  }
}

const isTextDelta = (e: Received) =>
  e.type === 'message_update' && (e.data.assistantMessageEvent as { type?: string } | undefined)?.type === 'text_delta';

describe('reverse proxies from docs/deployment.md, in front of a real stack', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const proxies: Record<string, ProxyProcess> = {};
  const streams: Stream[] = [];
  const sockets: WebSocket[] = [];

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'behind-a-proxy');
    stack = await startStack({
      name: 'proxy',
      dirs,
      env: { API_KEY, UI_PASSWORD, TRUST_PROXY: 'true', RATE_LIMIT_LOGIN_MAX: String(LOGIN_MAX), LOGIN_ATTEMPT_LIMIT_MAX: '1000' },
    });
    proxies.nginx = startNginx(await freePort(), stack.port);
    proxies.caddy = startCaddy(await freePort(), stack.port);
    await Promise.all(Object.values(proxies).map((p) => p.ready()));
  });

  after(async () => {
    for (const s of streams) s.stop();
    for (const ws of sockets) ws.terminate();
    await Promise.all(Object.values(proxies).map((p) => p.stop()));
    await stack?.dispose();
    await llm?.close();
  });

  // Each proxy gets its own client addresses: the gateway's rate-limit buckets outlive a test.
  const cases = [
    { name: 'nginx', clientA: '127.0.0.2', clientB: '127.0.0.3' },
    { name: 'caddy', clientA: '127.0.0.4', clientB: '127.0.0.5' },
  ];

  for (const { name, clientA, clientB } of cases) {
    const auth = { authorization: `Bearer ${API_KEY}` };

    it(`${name}: SSE events arrive one by one while the stream stays open (no buffering)`, async () => {
      const proxy = proxies[name];
      const created = await http(`${proxy.url}/api/v1/sessions`, { method: 'POST', headers: auth, json: { projectId: project.id } });
      assert.equal(created.status, 201, created.body);
      const { sessionId } = JSON.parse(created.body) as { sessionId: string };
      const stream = await Stream.open(`${proxy.url}/api/v1/sessions/${sessionId}/stream`, auth);
      streams.push(stream);
      assert.equal(stream.status, 200);
      assert.match(stream.contentType, /^text\/event-stream/);
      await stream.waitFor((e) => e.type === 'snapshot', 'snapshot through the proxy', 15_000);

      llm.enqueue({ text: TOKENS, delayMs: TOKEN_DELAY_MS });
      const prompted = await http(`${proxy.url}/api/v1/sessions/${sessionId}/prompt`, {
        method: 'POST',
        headers: auth,
        json: { text: `stream through ${name} [no-tool]` },
      });
      assert.equal(prompted.status, 202, prompted.body);
      const first = await stream.waitFor(isTextDelta, 'first text delta');
      const end = await stream.waitFor((e) => e.type === 'agent_end', 'agent_end', 30_000);
      const deltas = stream.events.filter(isTextDelta);
      assert.equal(deltas.map((e) => (e.data.assistantMessageEvent as { delta: string }).delta).join(''), TOKENS.join(''));
      // The tokens were produced over ~2 s; a buffering proxy would deliver them in one lump at the end.
      const spread = end.at - first.at;
      assert.ok(spread > (TOKENS.length * TOKEN_DELAY_MS) / 2, `deltas arrived over ${Math.round(spread)} ms`);
      const secondHalf = deltas[Math.floor(deltas.length / 2)].at;
      assert.ok(secondHalf - first.at > TOKEN_DELAY_MS * 3, 'the middle token arrived well after the first');
      // and the stream is still open after the run
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(stream.ended, false, 'the proxy kept the stream open');
      stream.stop();
    });

    it(`${name}: the terminal WebSocket upgrades through the proxy and echoes`, async () => {
      const proxy = proxies[name];
      const url = `ws://127.0.0.1:${proxy.port}/api/v1/terminal?projectId=${encodeURIComponent(project.id)}&token=${API_KEY}`;
      const ws = new WebSocket(url);
      sockets.push(ws);
      let output = '';
      ws.on('message', (d: Buffer) => {
        output += d.toString('utf8');
      });
      let refused = '';
      ws.on('unexpected-response', (_req, res) => {
        refused = `HTTP ${res.statusCode}`;
      });
      ws.on('error', () => {
        /* the waits below report it */
      });
      await waitFor(
        'socket open through the proxy',
        () => ws.readyState === WebSocket.OPEN || (refused ? Promise.reject(new Error(refused)) : false),
        10_000,
        10,
      );
      ws.send(JSON.stringify({ type: 'input', data: `echo through-${name}-$((20+22))\r` }));
      await waitFor('echo through the proxy', () => output.includes(`through-${name}-42`), 10_000, 10).catch((err: Error) => {
        throw new Error(`${err.message}\n${JSON.stringify(output.slice(-400))}`);
      });
      ws.close();
    });

    it(`${name}: a multi-megabyte upload passes (nginx alone would stop at 1 MB)`, async () => {
      const proxy = proxies[name];
      const data = randomBytes(5 * 1024 * 1024);
      const sha = createHash('sha256').update(data).digest('hex');
      const form = new FormData();
      form.append('projectId', project.id);
      form.append('parentPath', project.path);
      form.append(`sha256:big-${name}.bin`, sha);
      form.append('file', new Blob([data]), `big-${name}.bin`);
      const res = await fetch(`${proxy.url}/api/v1/files/upload`, {
        method: 'POST',
        headers: auth,
        body: form,
        signal: AbortSignal.timeout(60_000),
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(
        createHash('sha256')
          .update(readFileSync(join(project.path, `big-${name}.bin`)))
          .digest('hex'),
        sha,
      );
    });

    it(`${name}: with TRUST_PROXY=true the login rate limit keys on the forwarded client address`, async () => {
      const proxy = proxies[name];
      const login = (localAddress: string, headers: Record<string, string> = {}) =>
        http(`${proxy.url}/api/v1/auth/login`, { method: 'POST', json: { password: 'wrong-password' }, localAddress, headers });
      for (let i = 0; i < LOGIN_MAX; i++) {
        const r = await login(clientA);
        assert.equal(r.status, 401, `attempt ${i + 1} from ${clientA}: ${r.body}`);
      }
      assert.equal((await login(clientA)).status, 429, `${clientA} is over the limit`);
      // A client cannot escape its bucket by claiming another address: the proxy sets the header.
      assert.equal(
        (await login(clientA, { 'x-forwarded-for': '203.0.113.7' })).status,
        429,
        'a forged X-Forwarded-For does not reset the limit',
      );
      // Another client behind the same proxy has its own bucket.
      const other = await login(clientB);
      assert.equal(other.status, 401, `${clientB} is not limited: ${other.body}`);
    });
  }
});
