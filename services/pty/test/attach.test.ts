// The pty service's gRPC contract on its own (no gateway): bad opens are refused with codes and
// spawn nothing, cwd is contained in WORKSPACE_PATH, a good open runs a shell, CloseTerminal kills it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { serviceSecretClientInterceptor } from '@pi-forge/runtime';
import * as protoLoader from '@grpc/proto-loader';
import { PTY_CONTRACT } from '@pi-forge/proto';
import { isGone, startStack, waitFor, type Stack } from '@pi-forge/test-fixtures';

type Call = grpc.ClientDuplexStream<Record<string, unknown>, { event: string; [k: string]: unknown }>;
type Stub = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

describe('pty service Attach / CloseTerminal over gRPC', () => {
  let stack: Stack;
  let stub: Stub;
  let projectDir: string;

  const stats = () =>
    new Promise<{ activePtys: number; attachedPtys: number; pausedPtys: number }>((resolve, reject) =>
      (stub.GetStats as (...a: unknown[]) => void)(
        {},
        (e: Error | null, r: { activePtys: number; attachedPtys: number; pausedPtys: number }) => (e ? reject(e) : resolve(r)),
      ),
    );
  const attach = () => (stub.Attach as () => Call).call(stub);

  /** Sends one first message and returns the call's status (the stream must end with an error). */
  const refusedWith = (first: Record<string, unknown>) =>
    new Promise<{ code: number; error?: string }>((resolve) => {
      const call = attach();
      call.on('data', () => {});
      call.on('error', (e: grpc.ServiceError) =>
        resolve({ code: e.code, error: (JSON.parse(e.details || '{}') as { error?: string }).error }),
      );
      call.on('end', () => resolve({ code: -1 }));
      call.write(first);
    });

  before(async () => {
    stack = await startStack({ name: 'pty-attach' });
    projectDir = join(stack.dirs.workspace, 'proj');
    mkdirSync(projectDir);
    symlinkSync(stack.dirs.data, join(stack.dirs.workspace, 'escape'));
    const url = stack.logs.find((l) => l.proc === 'pty' && typeof l.url === 'string')!.url as string;
    const def = protoLoader.loadSync(PTY_CONTRACT.protoPath, { longs: Number, enums: String, defaults: true, oneofs: true });
    const Ctor = (grpc.loadPackageDefinition(def) as never as { forge: { pty: { v1: { PtyService: grpc.ServiceClientConstructor } } } })
      .forge.pty.v1.PtyService;
    stub = new Ctor(url, grpc.credentials.createInsecure(), {
      interceptors: [serviceSecretClientInterceptor(stack.serviceSecret())],
    }) as Stub;
  });
  after(async () => {
    stub?.close();
    await stack?.dispose();
  });

  it('refuses a first message that is not a valid open, spawning nothing', async () => {
    const open = (o: Record<string, unknown>) => ({ open: { projectId: 'p', tabId: 't', cwd: projectDir, cols: 80, rows: 24, ...o } });
    for (const bad of [
      { input: Buffer.from('ls\r') },
      { resize: { cols: 80, rows: 24 } },
      open({ projectId: '' }),
      open({ tabId: '' }),
      open({ tabId: 'x'.repeat(129) }),
      open({ cwd: 'relative/path' }),
    ]) {
      assert.deepEqual(
        await refusedWith(bad),
        { code: grpc.status.INVALID_ARGUMENT, error: 'invalid_open' },
        JSON.stringify(bad).slice(0, 80),
      );
    }
    assert.equal((await stats()).activePtys, 0);
  });

  it('refuses a cwd outside WORKSPACE_PATH, through a symlink, or missing (cwd_not_allowed)', async () => {
    for (const cwd of [
      stack.dirs.data,
      '/',
      join(stack.dirs.workspace, 'escape'),
      join(stack.dirs.workspace, 'missing'),
      join(projectDir, '..', '..'),
    ]) {
      const res = await refusedWith({ open: { projectId: 'p', tabId: 't', cwd, cols: 80, rows: 24 } });
      assert.deepEqual(res, { code: grpc.status.FAILED_PRECONDITION, error: 'cwd_not_allowed' }, cwd);
    }
    assert.equal((await stats()).activePtys, 0);
  });

  it('runs a shell for a good open, counts it, and CloseTerminal kills it (exited ends the stream)', async () => {
    const call = attach();
    const events: Array<{ event: string; [k: string]: unknown }> = [];
    let out = '';
    call.on('data', (ev: { event: string; output?: Buffer }) => {
      events.push(ev);
      if (ev.event === 'output') out += ev.output!.toString();
    });
    const ended = new Promise<void>((resolve) => {
      call.on('end', resolve);
      call.on('error', () => resolve());
    });
    call.write({ open: { projectId: 'p', tabId: 'good', cwd: projectDir, cols: 80, rows: 24 } });
    await waitFor('attached', () => events.find((e) => e.event === 'attached'));
    const attached = events[0].attached as { pid: number; reattached: boolean };
    assert.equal(events[0].event, 'attached', 'attached comes first');
    assert.equal(attached.reattached, false);
    call.write({ input: Buffer.from('echo "hi-$((1+1))"; pwd\r') });
    await waitFor('echo', () => /hi-2\r\n/.test(out) && out.includes(realpathSync(projectDir)));
    const { residentMemoryBytes, ...counts } = (await stats()) as { residentMemoryBytes?: number; activePtys: number };
    assert.deepEqual(counts, { activePtys: 1, attachedPtys: 1, pausedPtys: 0 });
    assert.ok((residentMemoryBytes ?? 0) > 20e6, `rss ${residentMemoryBytes}`);

    const closed = await new Promise<{ closed: boolean }>((resolve, reject) =>
      (stub.CloseTerminal as (...a: unknown[]) => void)({ projectId: 'p', tabId: 'good' }, (e: Error | null, r: { closed: boolean }) =>
        e ? reject(e) : resolve(r),
      ),
    );
    assert.equal(closed.closed, true);
    await ended;
    assert.equal(events.at(-1)?.event, 'exited');
    await waitFor(`shell ${attached.pid} gone`, () => isGone(attached.pid), 5_000);
    assert.equal((await stats()).activePtys, 0);
  });

  it('CloseTerminal of an unknown terminal is not an error', async () => {
    const res = await new Promise<{ closed: boolean }>((resolve, reject) =>
      (stub.CloseTerminal as (...a: unknown[]) => void)({ projectId: 'p', tabId: 'nope' }, (e: Error | null, r: { closed: boolean }) =>
        e ? reject(e) : resolve(r),
      ),
    );
    assert.equal(res.closed, false);
  });
});
