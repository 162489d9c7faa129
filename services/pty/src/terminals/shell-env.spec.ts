import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shellEnvironment, venvActivation } from './shell-env.js';

describe('shellEnvironment', () => {
  const inherited = {
    PATH: '/usr/bin',
    HOME: '/home/u',
    USER: 'u',
    LANG: 'C.UTF-8',
    LC_ALL: 'C',
    LC_TIME: 'C',
    SHELL: '/bin/bash',
    TERM: 'dumb',
    OPENAI_API_KEY: 'sk-secret',
    AWS_SECRET_ACCESS_KEY: 'aws',
    API_KEY: 'k',
    JWT_SECRET: 'j',
    PTY_IDLE_REAP_MS: '5',
    MY_TOOL: 'yes',
    EMPTY: '',
  };

  it('keeps the allowlist and LC_*, drops secrets and settings', () => {
    const { file, env } = shellEnvironment(inherited, [], '/w/p', '/tmp/h');
    assert.equal(file, '/bin/bash');
    assert.deepEqual(Object.keys(env).sort(), ['HOME', 'LANG', 'LC_ALL', 'LC_TIME', 'PATH', 'PWD', 'SHELL', 'TERM', 'USER']);
    assert.equal(env.PWD, '/w/p');
    assert.equal(env.HOME, '/home/u');
  });

  it('adds TERMINAL_PASSTHROUGH_ENV names, and only those', () => {
    const { env } = shellEnvironment(inherited, ['MY_TOOL', 'NOT_SET', 'EMPTY'], '/w', '/tmp/h');
    assert.equal(env.MY_TOOL, 'yes');
    assert.ok(!('NOT_SET' in env));
    assert.ok(!('EMPTY' in env));
    assert.ok(!('OPENAI_API_KEY' in env));
  });

  it('falls back to /bin/sh and a given HOME', () => {
    const { file, env } = shellEnvironment({ PATH: '/bin' }, [], '/w', '/tmp/h');
    assert.equal(file, '/bin/sh');
    assert.equal(env.SHELL, '/bin/sh');
    assert.equal(env.HOME, '/tmp/h');
  });
});

describe('venvActivation', () => {
  it('uses source for bash and zsh, . for POSIX sh', () => {
    assert.equal(venvActivation('/bin/bash', '.venv/bin/activate'), 'source .venv/bin/activate\n');
    assert.equal(venvActivation('/usr/bin/zsh', 'venv/bin/activate'), 'source venv/bin/activate\n');
    assert.equal(venvActivation('/bin/sh', 'env/bin/activate'), '. env/bin/activate\n');
  });
});
