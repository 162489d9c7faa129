// The socket ↔ stream bridge against fakes: backpressure both ways, close-code mapping, early input,
// tab_closed, keepalive.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { status } from '@grpc/grpc-js';
import { createLogger } from '@pi-forge/runtime';
import type { WebSocket } from 'ws';
import type { AttachStream } from '../clients/pty.client.js';
import { ATTACH_TIMEOUT_MS, HIGH_WATER, LOW_WATER, TerminalSession } from './terminal-session.js';

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  isPaused = false;
  pings = 0;
  sent: Array<{ data: Buffer; cb: () => void }> = [];
  closedWith: [number, string] | undefined;
  terminated = false;
  send(data: Buffer, _opts: unknown, cb: () => void) {
    this.sent.push({ data, cb });
    this.bufferedAmount += data.length;
  }
  /** The kernel took everything: buffer empty, callbacks fire. */
  flush() {
    const s = this.sent;
    this.sent = [];
    this.bufferedAmount = 0;
    for (const x of s) x.cb();
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }
  ping() {
    this.pings++;
  }
  pause() {
    this.isPaused = true;
  }
  resume() {
    this.isPaused = false;
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close', 1006, Buffer.alloc(0));
  }
  browser(msg: unknown) {
    this.emit('message', Buffer.from(JSON.stringify(msg)));
  }
}

class FakeStream extends EventEmitter {
  written: unknown[] = [];
  writeOk = true;
  paused = false;
  cancelled = false;
  write(m: unknown) {
    this.written.push(m);
    return this.writeOk;
  }
  pause() {
    this.paused = true;
    return this;
  }
  resume() {
    this.paused = false;
    return this;
  }
  cancel() {
    this.cancelled = true;
  }
  end() {}
  output(n: number) {
    this.emit('data', { event: 'output', output: Buffer.alloc(n, 'y') });
  }
}

function setup(keepaliveMs = 0) {
  const ws = new FakeSocket();
  const stream = new FakeStream();
  const closedTabs: string[] = [];
  const session = new TerminalSession(ws as unknown as WebSocket, {
    openStream: () => stream as unknown as AttachStream,
    closeTerminal: async (_p, tab) => {
      closedTabs.push(tab);
    },
    keepaliveMs,
    logger: createLogger('test', 'silent'),
  });
  return { ws, stream, session, closedTabs };
}

const target = { projectId: 'p', tabId: 't', cwd: '/w/p' };

describe('TerminalSession', () => {
  it('opens with the project folder, then holds early input until attached', () => {
    const { ws, stream, session } = setup();
    ws.browser({ type: 'input', data: 'typed-early' });
    session.attach(target);
    assert.deepEqual(stream.written, [{ open: { ...target, cols: 80, rows: 24 } }]);
    stream.emit('data', { event: 'attached', attached: { pid: 1, reattached: false, replayBytes: 0 } });
    ws.browser({ type: 'resize', cols: 100, rows: 30 });
    assert.deepEqual(stream.written.slice(1), [{ input: Buffer.from('typed-early') }, { resize: { cols: 100, rows: 30 } }]);
  });

  it('pauses the gRPC stream above HIGH_WATER and resumes below LOW_WATER', () => {
    const { ws, stream, session } = setup();
    session.attach(target);
    stream.emit('data', { event: 'attached', attached: { pid: 1, reattached: false, replayBytes: 0 } });
    stream.output(HIGH_WATER / 2);
    assert.equal(stream.paused, false);
    stream.output(HIGH_WATER / 2 + 1);
    assert.equal(stream.paused, true);
    ws.bufferedAmount = LOW_WATER + 1;
    ws.sent[0].cb();
    assert.equal(stream.paused, true, 'still above LOW_WATER');
    ws.flush();
    assert.equal(stream.paused, false);
    assert.ok(ws.sent.length === 0);
  });

  it('pauses reading the socket when the pty service does not take input, resumes on drain', () => {
    const { ws, stream, session } = setup();
    session.attach(target);
    stream.emit('data', { event: 'attached', attached: { pid: 1, reattached: false, replayBytes: 0 } });
    stream.writeOk = false;
    ws.browser({ type: 'input', data: 'x'.repeat(1000) });
    assert.equal(ws.isPaused, true);
    stream.emit('drain');
    assert.equal(ws.isPaused, false);
  });

  it('maps stream outcomes to the close codes', () => {
    const cases: Array<[(s: FakeStream) => void, boolean, [number, string]]> = [
      [(s) => s.emit('data', { event: 'exited', exited: { exitCode: 0, signal: 0 } }), true, [1000, 'pty_exited']],
      [(s) => s.emit('data', { event: 'displaced', displaced: {} }), true, [4409, 'replaced_by_new_attach']],
      [(s) => s.emit('error', { code: status.UNAVAILABLE, details: 'gone' }), true, [4503, 'pty_service_lost']],
      [(s) => s.emit('error', { code: status.UNAVAILABLE, details: 'no connection' }), false, [4503, 'pty_unavailable']],
      [
        (s) => s.emit('error', { code: status.INTERNAL, details: JSON.stringify({ error: 'spawn_failed' }) }),
        false,
        [4500, 'spawn_failed'],
      ],
      [
        (s) => s.emit('error', { code: status.FAILED_PRECONDITION, details: JSON.stringify({ error: 'cwd_not_allowed' }) }),
        false,
        [4500, 'spawn_failed'],
      ],
      [
        (s) => s.emit('error', { code: status.INVALID_ARGUMENT, details: JSON.stringify({ error: 'invalid_open' }) }),
        false,
        [4500, 'attach_failed'],
      ],
      [(s) => s.emit('end'), true, [4503, 'pty_service_lost']],
    ];
    for (const [act, attached, expected] of cases) {
      const { ws, stream, session } = setup();
      session.attach(target);
      if (attached) stream.emit('data', { event: 'attached', attached: { pid: 1, reattached: false, replayBytes: 0 } });
      act(stream);
      assert.deepEqual(ws.closedWith, expected);
      assert.equal(stream.cancelled, true);
    }
  });

  it('tab_closed closes the terminal; any other close only detaches', () => {
    const a = setup();
    a.session.attach(target);
    a.stream.emit('data', { event: 'attached', attached: { pid: 1, reattached: false, replayBytes: 0 } });
    a.ws.emit('close', 1000, Buffer.from('tab_closed'));
    assert.deepEqual(a.closedTabs, ['t']);
    assert.equal(a.stream.cancelled, true);
    const b = setup();
    b.session.attach(target);
    b.ws.emit('close', 1001, Buffer.from('going away'));
    assert.deepEqual(b.closedTabs, []);
    assert.equal(b.stream.cancelled, true);
  });

  it('tab_closed before the attach completes kills the shell once it is attached, not before', () => {
    const { ws, stream, session, closedTabs } = setup();
    session.attach(target);
    ws.emit('close', 1000, Buffer.from('tab_closed'));
    assert.deepEqual(closedTabs, []);
    assert.equal(stream.cancelled, false, 'the open must complete');
    stream.emit('data', { event: 'attached', attached: { pid: 1, reattached: false, replayBytes: 0 } });
    assert.deepEqual(closedTabs, ['t']);
    assert.equal(stream.cancelled, true);
  });

  it('gives up on an attach the pty service never answers (4500 attach_failed)', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { ws, stream, session } = setup();
    session.attach(target);
    t.mock.timers.tick(ATTACH_TIMEOUT_MS - 1);
    assert.equal(ws.closedWith, undefined);
    t.mock.timers.tick(1);
    assert.deepEqual(ws.closedWith, [4500, 'attach_failed']);
    assert.equal(stream.cancelled, true);
  });

  it('pings on the keepalive interval and drops a peer that stopped answering', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    const { ws, stream, session } = setup(100);
    session.attach(target);
    t.mock.timers.tick(100);
    assert.equal(ws.pings, 1);
    ws.emit('pong');
    t.mock.timers.tick(100);
    assert.equal(ws.pings, 2);
    assert.equal(ws.terminated, false, 'an answering peer is kept');
    t.mock.timers.tick(100);
    assert.equal(ws.terminated, true, 'no pong for a whole interval');
    assert.equal(ws.pings, 2, 'dropped instead of pinged again');
    assert.equal(stream.cancelled, true);
  });
});
