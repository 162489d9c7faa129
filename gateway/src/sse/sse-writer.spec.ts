// SseWriter against a real HTTP server on loopback: headers, frames, heartbeats, backpressure.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { waitFor } from '@pi-forge/test-fixtures';
import { SSE_PAD, SseWriter, sseCommentFrame, sseEventFrame, type SseWriterOptions } from './sse-writer.js';

let server: Server | undefined;
let socket: Socket | undefined;
afterEach(() => {
  socket?.destroy();
  server?.closeAllConnections();
  server?.close();
});

/** A server whose one request gets an SseWriter; the raw socket of the client, to read (or not). */
async function open(
  options: Partial<SseWriterOptions> = {},
): Promise<{ writer: SseWriter; res: ServerResponse; received: () => string; closes: boolean[] }> {
  const closes: boolean[] = [];
  let resolveWriter: (v: { writer: SseWriter; res: ServerResponse }) => void;
  const ready = new Promise<{ writer: SseWriter; res: ServerResponse }>((r) => (resolveWriter = r));
  server = createServer((_req, res) => {
    const writer = new SseWriter(res, { heartbeatMs: 60_000, padHeartbeat: true, onClose: (d) => closes.push(d), ...options });
    resolveWriter({ writer, res });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  let text = '';
  socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  socket.write('GET /stream HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
  const { writer, res } = await ready;
  return { writer, res, received: () => text, closes };
}

test('frames: an id line when given, one data line, comments optionally padded to 2 KB', () => {
  assert.equal(sseEventFrame('{"a":1}', 'e-1'), 'id: e-1\ndata: {"a":1}\n\n');
  assert.equal(sseEventFrame('{"a":1}'), 'data: {"a":1}\n\n');
  assert.equal(sseCommentFrame('heartbeat'), ': heartbeat\n\n');
  assert.equal(sseCommentFrame('heartbeat', true), `: heartbeat ${SSE_PAD}\n\n`);
  assert.ok(sseCommentFrame('x', true).length > 2048);
});

test('open sends the SSE headers at once, before any event', async () => {
  const { writer, received } = await open();
  writer.open();
  await waitFor('headers', () => received().includes('\r\n\r\n'), 5_000);
  assert.match(received(), /^HTTP\/1\.1 200/);
  assert.match(received(), /content-type: text\/event-stream/i);
  assert.match(received(), /cache-control: no-cache, no-transform/i);
  assert.match(received(), /x-accel-buffering: no/i);
  writer.event('{"type":"x"}', 'a-1');
  await waitFor('event', () => received().includes('id: a-1\ndata: {"type":"x"}\n\n'), 5_000);
});

test('heartbeats repeat every heartbeatMs, padded or bare as asked, and stop on close', async () => {
  const padded = await open({ heartbeatMs: 50, padHeartbeat: true });
  padded.writer.open();
  await waitFor('two padded heartbeats', () => padded.received().split(`: heartbeat ${SSE_PAD}\n\n`).length > 2, 5_000);
  padded.writer.close(false);
  assert.deepEqual(padded.closes, [false]);
  socket?.destroy();
  server?.closeAllConnections();
  server?.close();

  const bare = await open({ heartbeatMs: 50, padHeartbeat: false });
  bare.writer.open();
  await waitFor('two bare heartbeats', () => bare.received().split(': heartbeat\n\n').length > 2, 5_000);
  assert.ok(!bare.received().includes(SSE_PAD));
});

test('a client that stops reading is dropped once its unsent bytes pass the limit', async () => {
  const { writer, res, closes } = await open({ bufferLimit: 256 * 1024 });
  socket!.pause();
  writer.open();
  const chunk = sseEventFrame(JSON.stringify({ fill: 'x'.repeat(64 * 1024) }));
  let writes = 0;
  while (writer.write(chunk) && writes < 10_000) writes++;
  assert.ok(writes < 10_000, 'the writer never dropped the client');
  assert.equal(writer.closed, true);
  assert.deepEqual(closes, [true]);
  assert.equal(res.destroyed, true);
  assert.equal(writer.event('{}'), false, 'a closed writer writes nothing');
});

test('drained waits for the socket to take more, and resolves at once when there is room', async () => {
  const { writer, res } = await open({ bufferLimit: 1024 * 1024 * 1024 });
  writer.open();
  await writer.drained(); // room: resolves at once
  socket!.pause();
  const chunk = sseEventFrame(JSON.stringify({ fill: 'y'.repeat(64 * 1024) }));
  // Well past what the kernel's socket buffers take, so the stream stays full while paused.
  for (let i = 0; i < 10_000 && res.writableLength < 16 * 1024 * 1024; i++) writer.write(chunk);
  assert.equal(res.writableNeedDrain, true);
  let drained = false;
  const wait = writer.drained().then(() => (drained = true));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(drained, false, 'drained resolved while the client was not reading');
  socket!.resume();
  await waitFor('drained after the client read again', () => drained, 10_000);
  await wait;
});

test('a client that goes away closes the writer once, not dropped', async () => {
  const { writer, closes } = await open();
  writer.open();
  socket!.destroy();
  await waitFor('writer closed', () => writer.closed, 5_000);
  writer.close(false);
  assert.deepEqual(closes, [false]);
});
