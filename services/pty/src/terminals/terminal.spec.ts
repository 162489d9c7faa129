// Flow control and attach/detach rules of one terminal, against a fake pty.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BATCH_BYTES, Terminal, type Attachment, type PtyProcess } from './terminal.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

class FakePty implements PtyProcess {
  readonly pid = 4242;
  paused = false;
  written: string[] = [];
  signals: string[] = [];
  private data?: (d: Buffer) => void;
  private exit?: (e: { exitCode: number; signal?: number }) => void;
  onData(l: (d: Buffer) => void) {
    this.data = l;
  }
  onExit(l: (e: { exitCode: number; signal?: number }) => void) {
    this.exit = l;
  }
  write(d: Buffer | string) {
    this.written.push(d.toString());
  }
  resize() {}
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  kill(signal = 'SIGHUP') {
    this.signals.push(signal);
  }
  emit(text: string | Buffer) {
    this.data!(Buffer.isBuffer(text) ? text : Buffer.from(text));
  }
  die(code = 0) {
    this.exit!({ exitCode: code });
  }
}

class FakeAttachment implements Attachment {
  out: Buffer[] = [];
  full = false;
  ended: string | undefined;
  private drain: (() => void) | undefined;
  sendOutput(data: Buffer) {
    this.out.push(Buffer.from(data));
    return !this.full;
  }
  onDrain(l: () => void) {
    this.drain = l;
  }
  exited(code: number) {
    this.ended = `exited ${code}`;
  }
  displaced() {
    this.ended = 'displaced';
  }
  release() {
    this.full = false;
    const d = this.drain;
    this.drain = undefined;
    d?.();
  }
  get text() {
    return Buffer.concat(this.out).toString();
  }
}

describe('Terminal', () => {
  it('delivers output to the attachment and keeps it in the replay ring', async () => {
    const pty = new FakePty();
    const t = new Terminal('k', pty);
    const a = new FakeAttachment();
    t.attach(a);
    pty.emit('hello ');
    pty.emit('world');
    // Immediates run in order, so the terminal's flush (scheduled first) has run after this one.
    // (A timer could fire first on a loaded machine.)
    await nextTurn();
    assert.equal(a.text, 'hello world');
    assert.equal(t.replay.snapshot().toString(), 'hello world');
  });

  it('batches a burst into few messages', async () => {
    const pty = new FakePty();
    const t = new Terminal('k', pty);
    const a = new FakeAttachment();
    t.attach(a);
    for (let i = 0; i < 100; i++) pty.emit('x'.repeat(1000));
    await sleep(20);
    assert.equal(a.text.length, 100_000);
    assert.ok(a.out.length <= 3, `expected ≤3 batches, got ${a.out.length}`);
  });

  it('sends small output (echoes) at once even right after a flush, so typing is never delayed by batching', async () => {
    const pty = new FakePty();
    const t = new Terminal('k', pty);
    const a = new FakeAttachment();
    t.attach(a);
    for (const key of 'abc') {
      pty.emit(key);
      await nextTurn();
      assert.equal(a.text.at(-1), key, `echo of ${key} went out on the next turn`);
    }
  });

  it('pauses the pty when the reader is behind and resumes on drain', async () => {
    const pty = new FakePty();
    const t = new Terminal('k', pty);
    const a = new FakeAttachment();
    t.attach(a);
    a.full = true;
    pty.emit(Buffer.alloc(BATCH_BYTES, 'a'));
    assert.equal(pty.paused, true);
    assert.equal(t.isPaused, true);
    pty.emit('tail'); // in flight when paused: held, not sent
    assert.equal(a.out.length, 1);
    a.release();
    assert.equal(pty.paused, false);
    assert.equal(a.out.length, 2);
    assert.equal(a.out[1].toString(), 'tail');
  });

  it('replays the tail on reattach, displacing the previous attachment', async () => {
    const pty = new FakePty();
    const t = new Terminal('k', pty);
    const first = new FakeAttachment();
    t.attach(first);
    pty.emit('before');
    await nextTurn();
    const second = new FakeAttachment();
    const replayed = t.attach(second);
    assert.equal(first.ended, 'displaced');
    assert.equal(replayed, 6);
    assert.equal(second.text, 'before');
    t.detach(first, 1000); // late detach of the displaced one changes nothing
    assert.equal(t.attached, true);
  });

  it('detach with reap 0 kills at once; a later detach arms the reaper', async () => {
    const pty = new FakePty();
    const t = new Terminal('k', pty);
    const a = new FakeAttachment();
    t.attach(a);
    t.detach(a, 30);
    assert.deepEqual(pty.signals, []);
    await sleep(60);
    assert.deepEqual(pty.signals, ['SIGHUP', 'SIGTERM']);
    const pty2 = new FakePty();
    const t2 = new Terminal('k2', pty2);
    const b = new FakeAttachment();
    t2.attach(b);
    t2.detach(b, 0);
    assert.deepEqual(pty2.signals, ['SIGHUP', 'SIGTERM']);
    pty.die();
    pty2.die();
  });

  it('reattach cancels the reaper', async () => {
    const pty = new FakePty();
    const t = new Terminal('k', pty);
    const a = new FakeAttachment();
    t.attach(a);
    t.detach(a, 30);
    t.attach(new FakeAttachment());
    await sleep(60);
    assert.deepEqual(pty.signals, []);
  });

  it('flushes the last output before reporting the exit', () => {
    const pty = new FakePty();
    const t = new Terminal('k', pty);
    const a = new FakeAttachment();
    t.attach(a);
    let exited = false;
    t.onExited(() => {
      exited = true;
    });
    pty.emit('exit\r\n');
    pty.die(3);
    assert.equal(a.text, 'exit\r\n');
    assert.equal(a.ended, 'exited 3');
    assert.equal(exited, true);
    assert.equal(t.alive, false);
  });
});
