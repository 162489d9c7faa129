import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ForgeConfig } from '@pi-forge/runtime';
import { GitRunner } from './git-runner.js';

describe('GitRunner', () => {
  const home = mkdtempSync(join(tmpdir(), 'git-runner-'));
  const runner = new GitRunner(loadConfig({ env: { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' } }) as ForgeConfig);

  it('runs git and returns its output', async () => {
    const r = await runner.run(['--version'], { cwd: home });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^git version/);
  });

  it('never starts git when the signal was aborted before the call (a clone cancelled while it was being set up)', async () => {
    const abort = new AbortController();
    abort.abort();
    // `git daemon` would run forever if it started; the call must fail at once instead.
    let timer: NodeJS.Timeout | undefined;
    const stillRunning = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('git started and kept running')), 5_000); });
    try {
      await assert.rejects(Promise.race([runner.run(['daemon', '--port=0'], { cwd: home, signal: abort.signal }), stillRunning]), /was cancelled/);
    } finally {
      clearTimeout(timer);
    }
  });

  it('stops a running git when the signal aborts', async () => {
    const abort = new AbortController();
    const run = runner.run(['daemon', `--base-path=${home}`, '--listen=127.0.0.1', '--port=0'], { cwd: home, signal: abort.signal });
    setTimeout(() => abort.abort(), 200);
    await assert.rejects(run);
  });
});
