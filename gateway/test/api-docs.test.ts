// docs/api.md's curl, Node and Python examples, run as written against a real stack: a script
// author copying them gets a working session, prompt and stream.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ANSWER_TOKENS,
  docExamples,
  runProgram,
  configureFakeLlm,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  type FakeLlm,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';

const API_KEY = 'test-key-api-docs-0123456789abcdef';
const RUNNERS: Record<string, { file: string; cmd: (file: string) => [string, string[]] }> = {
  curl: { file: 'example.sh', cmd: (f) => ['bash', [f]] },
  node: { file: 'example.mjs', cmd: (f) => [process.execPath, [f]] },
  python: { file: 'example.py', cmd: (f) => ['python3', [f]] },
};

/** The three walk-throughs (feature examples named `<feature>/<what>` are run by their feature's tests). */
function examples(): Map<string, string> {
  return new Map([...docExamples()].filter(([name]) => name in RUNNERS));
}

describe('docs/api.md examples', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const scratch = mkdtempSync(join(tmpdir(), 'api-docs-'));

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'docs', { 'hello.txt': 'hi\n' });
    stack = await startStack({ name: 'api-docs', dirs, env: { API_KEY } });
  });
  after(async () => {
    await stack?.dispose();
    await llm?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('the doc has one example per language', () => {
    assert.deepEqual([...examples().keys()].sort(), ['curl', 'node', 'python']);
  });

  for (const lang of Object.keys(RUNNERS)) {
    it(`the ${lang} example creates a session, prompts and prints the streamed answer`, async () => {
      const code = examples().get(lang);
      assert.ok(code, `no ${lang} example`);
      const runner = RUNNERS[lang]!;
      const file = join(scratch, runner.file);
      writeFileSync(file, code);
      const [cmd, args] = runner.cmd(file);
      const before = llm.requests.length;
      const res = await runProgram(cmd, args, { PI_FORGE_URL: stack.baseUrl, PI_FORGE_API_KEY: API_KEY, PI_FORGE_PROJECT_ID: project.id });
      assert.equal(res.code, 0, `exit ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
      assert.ok(res.stdout.includes(ANSWER_TOKENS.join('')), `stdout: ${res.stdout}\nstderr: ${res.stderr}`);
      assert.equal(llm.requests.length - before, 2, 'one tool call and one answer');
    });
  }
});
