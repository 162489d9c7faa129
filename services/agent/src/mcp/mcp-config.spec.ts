import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_TRUNCATION,
  effectiveTruncation,
  keepRedactedValues,
  parseMcpFile,
  REDACTED,
  redactServer,
  serializeMcpFile,
  serverConfigProblem,
  serverNameProblem,
  serversOf,
} from './mcp-config.js';

describe('mcp config', () => {
  it('accepts exactly one of url and command', () => {
    assert.equal(serverConfigProblem({ url: 'http://127.0.0.1:1/mcp' }), undefined);
    assert.equal(serverConfigProblem({ command: 'node', args: ['x.js'] }), undefined);
    assert.match(serverConfigProblem({ url: 'http://a/', command: 'node' })!, /exactly one/);
    assert.match(serverConfigProblem({})!, /exactly one/);
    assert.match(serverConfigProblem({ url: 'file:///etc/passwd' })!, /http/);
    assert.match(serverConfigProblem({ url: 'not a url' })!, /valid URL/);
    assert.match(serverConfigProblem({ url: 'http://a/', transport: 'ws' })!, /transport/);
    assert.match(serverConfigProblem({ command: 'x', env: { A: 1 } })!, /env/);
    assert.match(serverConfigProblem({ command: 'x', args: 'a b' })!, /args/);
    assert.match(serverConfigProblem([])!, /object/);
  });

  it('keeps server names to one plain word of 1..64 characters without "__"', () => {
    assert.equal(serverNameProblem('files-1_a'), undefined);
    for (const bad of ['', 'a'.repeat(65), 'a__b', 'a b', '../x', '-x', 'a.b']) assert.ok(serverNameProblem(bad), bad);
  });

  it('merges `servers` and Claude Desktop `mcpServers`, skipping bad entries without hiding good ones', () => {
    const parsed = serversOf({
      mcpServers: { desk: { command: 'npx', args: ['srv'], env: { K: 'v' } }, both: { command: 'old' } },
      servers: { both: { url: 'https://x.example/mcp' }, broken: { url: 'http://a', command: 'b' } },
    });
    assert.deepEqual(parsed.servers, { desk: { command: 'npx', args: ['srv'], env: { K: 'v' } }, both: { url: 'https://x.example/mcp' } });
    assert.deepEqual(
      parsed.skipped.map((s) => s.name),
      ['broken'],
    );
  });

  it('redacts header and env values, and a sentinel sent back keeps the stored value', () => {
    const stored = { url: 'http://a/', headers: { Authorization: 'Bearer s3cret', X: 'y' } };
    const shown = redactServer(stored);
    assert.deepEqual(shown.headers, { Authorization: REDACTED, X: REDACTED });
    assert.ok(!JSON.stringify(shown).includes('s3cret'));
    const back = keepRedactedValues({ url: 'http://a/', headers: { Authorization: REDACTED, X: 'new', Z: REDACTED } }, stored);
    assert.deepEqual(back.headers, { Authorization: 'Bearer s3cret', X: 'new' }, 'a sentinel for an unknown name is dropped');
    const env = keepRedactedValues({ command: 'x', env: { TOKEN: REDACTED } }, { command: 'x', env: { TOKEN: 't' } });
    assert.deepEqual(env.env, { TOKEN: 't' });
  });

  it('writes truncation only when it is not the default, and reads garbage as an empty file', () => {
    assert.deepEqual(serializeMcpFile({ servers: {}, truncation: { ...DEFAULT_TRUNCATION } }), { servers: {} });
    assert.deepEqual(serializeMcpFile({ disabled: true, servers: {}, truncation: { enabled: false, maxChars: 10 } }), {
      disabled: true,
      truncation: { enabled: false, maxChars: 10 },
      servers: {},
    });
    assert.deepEqual(parseMcpFile('{nope'), { disabled: false, truncation: DEFAULT_TRUNCATION, servers: {}, skipped: [] });
    assert.deepEqual(effectiveTruncation({ truncation: { enabled: true, maxChars: 0 } }), DEFAULT_TRUNCATION);
  });
});
