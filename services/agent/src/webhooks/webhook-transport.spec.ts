// The real transport against real receivers on 127.0.0.1: plain http, https with a self-signed
// certificate (made by openssl for this run) that only `insecureTls` accepts, and a receiver that
// never answers (the timeout).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWebhookTransport } from './webhook-transport.js';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('NodeWebhookTransport', () => {
  const transport = new NodeWebhookTransport();
  const received: { body: string; headers: IncomingMessage['headers'] }[] = [];
  const servers: Server[] = [];
  let dir: string;
  let httpPort: number;
  let httpsPort: number;
  let silentPort: number;

  const receive = (status: number) => (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'x'.repeat(5000) : 'ok');
    });
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webhook-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      {
        stdio: 'ignore',
      },
    );
    const http = createHttpServer(receive(503));
    const https = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, receive(200));
    const silent = createHttpServer(() => {}); // reads the request, never answers
    servers.push(http, https, silent);
    [httpPort, httpsPort, silentPort] = await Promise.all([listen(http), listen(https), listen(silent)]);
  });
  after(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts the exact body and headers over http and reads the start of the answer', async () => {
    const body = JSON.stringify({ deliveryId: 'd1', text: 'grüße' });
    const answer = await transport.post({
      url: `http://127.0.0.1:${httpPort}/in`,
      body,
      headers: { 'X-Pi-Forge-Event': 'agent_end' },
      insecureTls: false,
      timeoutMs: 10_000,
    });
    assert.equal(answer.statusCode, 503);
    assert.ok(answer.bodyStart.length >= 200 && answer.bodyStart.length <= 1024, String(answer.bodyStart.length));
    const got = received.at(-1)!;
    assert.equal(got.body, body);
    assert.equal(got.headers['x-pi-forge-event'], 'agent_end');
    assert.equal(got.headers['content-length'], String(Buffer.byteLength(body)));
  });

  it('refuses a self-signed certificate unless insecureTls is set, and then really delivers', async () => {
    const url = `https://127.0.0.1:${httpsPort}/in`;
    await assert.rejects(
      transport.post({ url, body: '{}', headers: {}, insecureTls: false, timeoutMs: 10_000 }),
      /self[- ]signed|certificate/i,
    );
    const before = received.length;
    const answer = await transport.post({ url, body: '{"tls":true}', headers: {}, insecureTls: true, timeoutMs: 10_000 });
    assert.equal(answer.statusCode, 200);
    assert.equal(received.length, before + 1);
    assert.equal(received.at(-1)!.body, '{"tls":true}');
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    await assert.rejects(
      transport.post({ url: `http://127.0.0.1:${silentPort}/in`, body: '{}', headers: {}, insecureTls: false, timeoutMs: 300 }),
      /timed out/,
    );
  });

  it('rejects when nothing listens', async () => {
    const closed = createHttpServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    await assert.rejects(
      transport.post({ url: `http://127.0.0.1:${port}/in`, body: '{}', headers: {}, insecureTls: false, timeoutMs: 5_000 }),
      /ECONNREFUSED/,
    );
  });
});
