// The one door webhooks use to the network: a JSON POST with node's http/https client. https with
// `insecureTls` gets its own Agent with certificate checks off, which node:https honours (the
// original passed such an agent to fetch, which ignores it, §11.2). Unit specs inject a fake.
import { Injectable } from '@nestjs/common';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export const WEBHOOK_TRANSPORT = Symbol('WEBHOOK_TRANSPORT');

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  insecureTls: boolean;
  timeoutMs: number;
}

/** An answer (any status); a network error or timeout rejects instead. */
export interface WebhookAnswer {
  statusCode: number;
  /** The start of the answer body (for errorPreview). */
  bodyStart: string;
}

export interface WebhookTransport {
  post(req: WebhookPost): Promise<WebhookAnswer>;
}

/** How much of an answer body is read (errorPreview keeps 200 characters of it). */
const BODY_START_BYTES = 1024;

@Injectable()
export class NodeWebhookTransport implements WebhookTransport {
  /** One agent for every insecure webhook (keep-alive off: each delivery is its own connection). */
  private readonly insecureAgent = new HttpsAgent({ rejectUnauthorized: false });

  post(req: WebhookPost): Promise<WebhookAnswer> {
    const url = new URL(req.url);
    const body = Buffer.from(req.body, 'utf8');
    const headers = { ...req.headers, 'Content-Length': String(body.length) };
    return new Promise<WebhookAnswer>((resolve, reject) => {
      const options = { method: 'POST', headers, signal: AbortSignal.timeout(req.timeoutMs) };
      const onAnswer = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => resolve({ statusCode: res.statusCode ?? 0, bodyStart: Buffer.concat(chunks).toString('utf8') });
        res.on('data', (chunk: Buffer) => {
          if (size >= BODY_START_BYTES) return;
          chunks.push(chunk.subarray(0, BODY_START_BYTES - size));
          size += chunk.length;
          // Enough to judge the answer: stop reading a large body instead of waiting for all of it.
          if (size >= BODY_START_BYTES) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', (err) => (size >= BODY_START_BYTES ? undefined : reject(err)));
      };
      const clientReq =
        url.protocol === 'https:'
          ? httpsRequest(url, { ...options, ...(req.insecureTls ? { agent: this.insecureAgent } : {}) }, onAnswer)
          : httpRequest(url, options, onAnswer);
      clientReq.on('error', (err) =>
        reject(err.name === 'AbortError' ? new Error(`timed out after ${req.timeoutMs / 1000} s`, { cause: err }) : err),
      );
      clientReq.end(body);
    });
  }
}
