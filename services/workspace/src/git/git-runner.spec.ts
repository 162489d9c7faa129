import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ForgeConfig } from '@pi-forge/runtime';
import { waitFor } from '@pi-forge/test-fixtures';
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
    const stillRunning = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('git started and kept running')), 5_000);
    });
    try {
      await assert.rejects(
        Promise.race([runner.run(['daemon', '--port=0'], { cwd: home, signal: abort.signal }), stillRunning]),
        /was cancelled/,
      );
    } finally {
      clearTimeout(timer);
    }
  });

  it('stops a running git when the signal aborts', async () => {
    // allowFailure: the call resolves with git's exit, so the test tells "killed by our abort" apart
    // from "git failed on its own" (both would only be "a rejection" otherwise).
    const abort = new AbortController();
    let stderr = '';
    const run = runner.run(['daemon', '--verbose', `--base-path=${home}`, '--listen=127.0.0.1', '--port=0'], {
      cwd: home,
      signal: abort.signal,
      allowFailure: true,
      onStderr: (chunk) => (stderr += chunk),
    });
    let settled = false;
    void run.finally(() => (settled = true)).catch(() => {}); // observed only to prove git was still running
    await waitFor('git daemon running', () => stderr.includes('Ready to rumble'), 10_000);
    assert.equal(settled, false, 'git exited before the abort');
    abort.abort();
    const result = await Promise.race([
      run,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('git kept running after the abort')), 10_000)),
    ]);
    assert.equal(result.code, -1, `git was not killed by the abort: ${JSON.stringify(result)}`);
  });
});
