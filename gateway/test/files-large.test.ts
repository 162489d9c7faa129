// A 300 MiB upload and download through the gateway, streamed end to end. The gateway's and the
// workspace service's RSS are sampled throughout and logged (memory should stay flat); the test
// asserts only correctness.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, waitFor, type Stack } from '@pi-forge/test-fixtures';
import { createProject, type ProjectBody } from './files-support.js';

const MIB = 1024 * 1024;
const SIZE_MIB = 300;

/** Deterministic, non-repeating-per-chunk content, produced lazily so the client holds 1 MiB at a time. */
function* chunks(): Generator<Buffer> {
  const base = Buffer.alloc(MIB);
  for (let i = 0; i < MIB; i++) base[i] = (i * 31 + 7) & 0xff;
  for (let c = 0; c < SIZE_MIB; c++) {
    const chunk = Buffer.from(base);
    chunk.writeUInt32BE(c, 0);
    yield chunk;
  }
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** Samples a process's RSS every 100 ms until stopped; returns [min, max]. */
function sampleRss(pid: number): () => { first: number; peak: number } {
  const first = rssMiB(pid);
  let peak = first;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid));
  }, 100);
  return () => {
    clearInterval(timer);
    return { first, peak: Math.max(peak, rssMiB(pid)) };
  };
}

describe('large upload and download', () => {
  let stack: Stack;
  let p: ProjectBody;
  let expected: string;
  before(async () => {
    stack = await startStack({ name: 'files-large', env: { API_KEY: 'test-key-large' } });
    p = await createProject(stack, 'big');
    const h = createHash('sha256');
    for (const c of chunks()) h.update(c);
    expected = h.digest('hex');
  });
  after(async () => {
    rmSync(join(p.path, 'big.bin'), { force: true });
    await stack?.dispose();
  });

  it(`uploads ${SIZE_MIB} MiB as a stream and stores it intact`, async () => {
    const boundary = `----forge${Date.now()}`;
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const head = Buffer.from(
      field('projectId', p.id) +
        field('parentPath', p.path) +
        field('sha256:big.bin', expected) +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const source = chunks();
    let sentHead = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sentHead) {
          sentHead = true;
          controller.enqueue(head);
          return;
        }
        const next = source.next();
        if (next.done) {
          controller.enqueue(tail);
          controller.close();
          return;
        }
        controller.enqueue(next.value);
      },
    });
    const stop = sampleRss(stack.pid('gateway'));
    const stopService = sampleRss(stack.pid('workspace'));
    const t0 = Date.now();
    const res = await stack.api('/api/v1/files/upload', {
      method: 'POST',
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      signal: AbortSignal.timeout(170_000),
      duplex: 'half',
    } as RequestInit);
    const rss = stop();
    const serviceRss = stopService();
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const seconds = (Date.now() - t0) / 1000;
    console.log(
      `upload ${SIZE_MIB} MiB in ${seconds.toFixed(1)} s (${(SIZE_MIB / seconds).toFixed(0)} MiB/s); gateway RSS ${rss.first} MiB before, ${rss.peak} MiB peak; workspace service RSS ${serviceRss.first} → ${serviceRss.peak} MiB`,
    );
    const { files } = JSON.parse(text) as { files: { path: string; size: number; sha256: string }[] };
    assert.deepEqual(files, [{ path: join(p.path, 'big.bin'), size: SIZE_MIB * MIB, sha256: expected }]);
    assert.equal(statSync(join(p.path, 'big.bin')).size, SIZE_MIB * MIB);
    const onDisk = createHash('sha256');
    for await (const c of createReadStream(join(p.path, 'big.bin'))) onDisk.update(c as Buffer);
    assert.equal(onDisk.digest('hex'), expected);
  });

  it(`downloads the ${SIZE_MIB} MiB file back as a stream`, async () => {
    const stop = sampleRss(stack.pid('gateway'));
    const stopService = sampleRss(stack.pid('workspace'));
    const t0 = Date.now();
    const res = await stack.api(`/api/v1/files/download?projectId=${p.id}&path=${encodeURIComponent(join(p.path, 'big.bin'))}`, {
      signal: AbortSignal.timeout(170_000),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(SIZE_MIB * MIB));
    const h = createHash('sha256');
    let bytes = 0;
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
      h.update(c);
      bytes += c.length;
    }
    const rss = stop();
    const serviceRss = stopService();
    const seconds = (Date.now() - t0) / 1000;
    console.log(
      `download ${SIZE_MIB} MiB in ${seconds.toFixed(1)} s (${(SIZE_MIB / seconds).toFixed(0)} MiB/s); gateway RSS ${rss.first} MiB before, ${rss.peak} MiB peak; workspace service RSS ${serviceRss.first} → ${serviceRss.peak} MiB`,
    );
    assert.equal(bytes, SIZE_MIB * MIB);
    assert.equal(h.digest('hex'), expected);
  });

  it('a download abandoned after the first bytes releases the file in the service', async () => {
    const workspace = stack.pid('workspace');
    const target = join(p.path, 'big.bin');
    const holdsFile = () =>
      readdirSync(`/proc/${workspace}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${workspace}/fd/${fd}`) === target;
        } catch {
          return false;
        }
      });
    const abort = new AbortController();
    const res = await stack.api(`/api/v1/files/download?projectId=${p.id}&path=${encodeURIComponent(target)}`, { signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read();
    assert.ok(holdsFile(), 'the service has the file open mid-download');
    abort.abort();
    await waitFor('service closed the file', () => !holdsFile(), 10_000);
  });
});
