// The log lines operators alert on (deployment guide, "Monitoring"; docs/deployment.md): each is
// provoked from outside and then read from the stack's real pino output, tagged by process.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  configureFakeLlm,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  waitFor,
  type FakeLlm,
  type LogLine,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';
import { TermClient, terminalUrl } from './terminal-client.js';

const API_KEY = 'test-key-operator-logs-0123456789ab';

describe('operator log lines', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  let shell: string;
  const terms: TermClient[] = [];

  const logLine = (proc: string, msg: string, match: (l: LogLine) => boolean = () => true) =>
    waitFor(`${proc} "${msg}" in the log`, () => stack.logs.find((l) => l.proc === proc && l.msg === msg && match(l)), 15_000);

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    // The SDK only fails a switch on missing auth, which the preflight answers first; a user
    // extension that never returns from model_select makes the switch hit its 30 s bound instead.
    mkdirSync(join(dirs.piConfig, 'extensions'));
    writeFileSync(
      join(dirs.piConfig, 'extensions', 'stuck-model-select.ts'),
      "export default function (pi) { pi.on('model_select', (e) => (e.model.id === 'fake-model-2' ? new Promise(() => {}) : undefined)); }\n",
    );
    // The terminal's shell: a script that exits 3 (then made non-executable for the spawn failure).
    shell = join(dirs.root, 'exit-3-shell');
    writeFileSync(shell, '#!/bin/sh\nexit 3\n');
    chmodSync(shell, 0o755);
    project = seedProject(dirs, 'demo', { 'README.md': 'demo\n' });
    stack = await startStack({ name: 'operator-logs', dirs, env: { API_KEY, SHELL: shell } });
  });
  after(async () => {
    for (const t of terms) t.close();
    await stack?.dispose();
    await llm?.close();
  });

  it('"terminal exited" carries the exit code (pty)', async () => {
    const t = new TermClient(terminalUrl(stack, { projectId: project.id, tabId: 'exit-3' }));
    terms.push(t);
    await t.waitClosed(15_000);
    const line = await logLine('pty', 'terminal exited', (l) => l.tabId === 'exit-3');
    assert.equal(line.exitCode, 3);
  });

  it('"pty spawn failed" when the shell cannot be started (pty)', async () => {
    chmodSync(shell, 0o644);
    const t = new TermClient(terminalUrl(stack, { projectId: project.id, tabId: 'no-shell' }));
    terms.push(t);
    await t.waitClosed(15_000);
    const line = await logLine('pty', 'pty spawn failed');
    assert.equal(line.file, shell);
    assert.equal(line.level, 'error');
  });

  it('"set model failed" when the switch fails (agent; here: 504 set_model_timeout after 30 s)', async () => {
    const created = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } });
    const { sessionId } = (await created.json()) as { sessionId: string };
    const res = await stack.api(`/api/v1/sessions/${sessionId}/model`, {
      method: 'POST',
      json: { provider: 'fake', modelId: 'fake-model-2' },
      signal: AbortSignal.timeout(90_000),
    });
    const body = (await res.json()) as { error: string };
    assert.equal(res.status, 504, JSON.stringify(body));
    assert.equal(body.error, 'set_model_timeout');
    const line = await logLine('agent', 'set model failed', (l) => l.sessionId === sessionId);
    assert.equal(line.provider, 'fake');
    assert.equal(line.modelId, 'fake-model-2');
  });

  it('"unmapped file-manager error" for an errno the error table does not know (workspace)', async () => {
    // A file-size limit on the workspace process (what a quota does to a real deployment): the write
    // fails with EFBIG, which has no public code, so it is answered 500 and logged for the operator.
    // Only the soft limit is lowered (Node ignores SIGXFSZ) and it is put back whatever happens.
    const pid = String(stack.pid('workspace'));
    const soft = execFileSync('prlimit', ['--pid', pid, '--fsize', '--raw', '--noheadings', '--output=SOFT'], { encoding: 'utf8' }).trim();
    execFileSync('prlimit', ['--pid', pid, '--fsize=0:']);
    let res: Response;
    try {
      res = await stack.api('/api/v1/files/write', {
        method: 'PUT',
        json: { projectId: project.id, path: join(project.path, 'over-quota.txt'), content: 'x'.repeat(64) },
      });
    } finally {
      execFileSync('prlimit', ['--pid', pid, `--fsize=${soft === '-1' ? 'unlimited' : soft}:`]);
    }
    const body = (await res.json()) as { error: string };
    assert.equal(res.status, 500, JSON.stringify(body));
    assert.equal(body.error, 'internal_error');
    const line = await logLine('workspace', 'unmapped file-manager error');
    assert.equal(line.code, 'EFBIG');
    assert.equal(line.level, 'warn');
    assert.deepEqual(
      readdirSync(project.path).filter((n) => n.startsWith('over-quota')),
      [],
      'the temp file is removed',
    );
  });
});
