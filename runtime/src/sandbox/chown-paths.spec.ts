import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config/config.js';
import { chownPathsProblem } from './chown-paths.js';

const base = {
  HOME: '/home/srv',
  WORKSPACE_PATH: '/srv/ws',
  PI_CONFIG_DIR: '/srv/pi',
  FORGE_DATA_DIR: '/srv/data',
  AGENT_TOOL_HOME: '/home/tools',
  AGENT_TOOL_SANDBOX_ENABLED: 'true',
  AGENT_TOOL_UID: '1001',
  AGENT_TOOL_GID: '1001',
};
const problem = (paths: string, extra: Record<string, string> = {}) => {
  try {
    return chownPathsProblem(loadConfig({ env: { ...base, ...extra, AGENT_TOOL_SANDBOX_CHOWN_PATHS: paths } }));
  } catch (err) {
    return (err as Error).message;
  }
};

test('AGENT_TOOL_SANDBOX_CHOWN_PATHS accepts the workspace, the tool home and the pi config resource folders', () => {
  assert.equal(
    problem(
      '/srv/ws,/srv/ws/p/node_modules,/home/tools,/srv/pi/skills,/srv/pi/npm/x,/srv/pi/git,/srv/pi/extensions,/srv/pi/prompts,/srv/pi/themes',
    ),
    undefined,
  );
});

test('AGENT_TOOL_SANDBOX_CHOWN_PATHS refuses the data dir, the config dir, secret files and anything else, at config load', () => {
  assert.match(problem('/srv/data')!, /config: .*\/srv\/data: it is or holds FORGE_DATA_DIR/);
  assert.match(problem('/srv')!, /it is or holds FORGE_DATA_DIR/);
  assert.match(problem('/srv/pi')!, /it is or holds PI_CONFIG_DIR/);
  assert.match(problem('/srv/pi/auth.json')!, /a secret file/);
  assert.match(problem('/srv/pi/sessions')!, /only the workspace/);
  assert.match(problem('/srv/ws/../pi/skills/../models.json')!, /a secret file/);
  assert.match(problem('/etc')!, /only the workspace/);
  assert.equal(problem('/etc', { AGENT_TOOL_SANDBOX_ENABLED: 'false' }), undefined, 'ignored with the sandbox off');
});
