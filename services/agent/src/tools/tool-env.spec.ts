import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrubToolEnv } from './tool-env.js';

test('scrubToolEnv keeps the allowlist, LC_*, passthrough names and the SDK session vars only', () => {
  const env = scrubToolEnv(
    {
      PATH: '/bin',
      HOME: '/h',
      LC_ALL: 'C',
      OPENAI_API_KEY: 'sk-1',
      ANTHROPIC_API_KEY: 'sk-2',
      JWT_SECRET: 'x',
      API_KEY: 'k',
      MY_TOOL_VAR: 'ok',
      PI_SESSION_ID: 's',
      PI_CODING_AGENT_DIR: '/cfg',
      UNDEF: undefined,
    },
    ['MY_TOOL_VAR'],
  );
  assert.deepEqual(env, { PATH: '/bin', HOME: '/h', LC_ALL: 'C', MY_TOOL_VAR: 'ok', PI_SESSION_ID: 's' });
});
