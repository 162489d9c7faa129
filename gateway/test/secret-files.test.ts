// Secrets on disk are private (issue 12.4), checked through the API of a running stack:
// models.json (custom providers' apiKeys), settings.json and projects.json are written 0600,
// an old world-readable file is narrowed on the next write, a user's own chmod survives it,
// and the data folder the stack creates is 0700.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeStackDirs, startStack, type Stack } from '@pi-forge/test-fixtures';

const PROVIDER_KEY = 'sk-custom-provider-secret-0042';
const mode = (file: string) => statSync(file).mode & 0o777;

describe('secret files on disk', () => {
  let stack: Stack;
  before(async () => {
    const dirs = makeStackDirs();
    rmSync(dirs.data, { recursive: true }); // the stack creates it
    // An install from before this fix: models.json readable by everyone.
    writeFileSync(join(dirs.piConfig, 'models.json'), '{"providers":{}}\n', { mode: 0o644 });
    chmodSync(join(dirs.piConfig, 'models.json'), 0o644);
    stack = await startStack({ name: 'secret-files', dirs });
  });
  after(async () => {
    await stack?.dispose();
  });

  const put = async (path: string, json: unknown) => {
    const res = await stack.api(`/api/v1${path}`, { method: 'PUT', json });
    assert.equal(res.status, 200, await res.text());
  };

  it('creates FORGE_DATA_DIR 0700', () => {
    assert.equal(mode(stack.dirs.data), 0o700);
  });

  it('writes models.json 0600 (narrowing an old 0644 file), keeping the key out of reach of other users', async () => {
    const file = join(stack.dirs.piConfig, 'models.json');
    assert.equal(mode(file), 0o644, 'precondition: the old file is world-readable');
    await put('/config/models', {
      providers: { custom: { baseUrl: 'http://127.0.0.1:9/v1', api: 'openai-completions', apiKey: PROVIDER_KEY, models: [{ id: 'm1' }] } },
    });
    assert.ok(readFileSync(file, 'utf8').includes(PROVIDER_KEY));
    assert.equal(mode(file), 0o600);
  });

  it('writes settings.json 0600', async () => {
    await put('/config/settings', { theme: 'dark' });
    assert.equal(mode(join(stack.dirs.piConfig, 'settings.json')), 0o600);
  });

  it('writes projects.json 0600', async () => {
    const path = join(stack.dirs.workspace, 'secret-files-project');
    mkdirSync(path);
    const res = await stack.api('/api/v1/projects', { method: 'POST', json: { name: 'secret-files-project', path } });
    assert.ok(res.status === 200 || res.status === 201, await res.text());
    assert.equal(mode(join(stack.dirs.data, 'projects.json')), 0o600);
  });

  it('a mode the user set by hand survives the next atomic write', async () => {
    const file = join(stack.dirs.piConfig, 'settings.json');
    chmodSync(file, 0o400);
    await put('/config/settings', { theme: 'light' });
    assert.equal(mode(file), 0o400);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).theme, 'light');
    chmodSync(file, 0o600);
    await put('/config/settings', { theme: 'dark' });
    assert.equal(mode(file), 0o600);
  });
});
