import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { capText, ERROR_PREFIX, mcpResultToAgentResult } from './mcp-result.js';

const on = { enabled: true, maxChars: 100 };

describe('mcp result mapping', () => {
  it('leaves text at or under the cap alone', () => {
    assert.deepEqual(capText('a'.repeat(100), 100), { text: 'a'.repeat(100), truncated: false });
  });

  it('keeps the first 60 % and the last 40 % of the cap around an MCP_RESULT_TRUNCATED warning', () => {
    const text = 'H'.repeat(500) + 'T'.repeat(500);
    const { text: out, truncated } = capText(text, 100);
    assert.ok(truncated);
    assert.ok(out.startsWith('H'.repeat(60) + '\n\n[MCP_RESULT_TRUNCATED'));
    assert.ok(out.endsWith(']\n\n' + 'T'.repeat(40)));
    assert.match(out, /returned 1000 characters; showing the first 60 and the last 40/);
  });

  it('flattens text blocks, keeps images, turns other blocks into JSON', () => {
    const r = mcpResultToAgentResult(
      's',
      't',
      {
        content: [
          { type: 'text', text: 'one' },
          { type: 'image', data: 'AAAA', mimeType: 'image/png' },
          { type: 'resource', resource: { uri: 'file:///x', text: 'r' } },
        ],
      },
      on,
    );
    assert.deepEqual(r.content, [
      { type: 'text', text: 'one\n{"type":"resource","resource":{"uri":"file:///x","text":"r"}}' },
      { type: 'image', data: 'AAAA', mimeType: 'image/png' },
    ]);
    assert.equal(r.isError, undefined);
  });

  it('marks isError results as tool errors with the [error] prefix', () => {
    const r = mcpResultToAgentResult('s', 't', { isError: true, content: [{ type: 'text', text: 'bad' }] }, on);
    assert.equal(r.isError, true);
    assert.deepEqual(r.content, [{ type: 'text', text: `${ERROR_PREFIX} bad` }]);
  });

  it('caps the flattened text once and says so in details; no cap when disabled', () => {
    const long = {
      content: [
        { type: 'text', text: 'x'.repeat(150) },
        { type: 'text', text: 'y'.repeat(150) },
      ],
    };
    const r = mcpResultToAgentResult('s', 't', long, on);
    assert.deepEqual(r.details.truncated, { originalChars: 301, maxChars: 100 });
    const off = mcpResultToAgentResult('s', 't', long, { enabled: false, maxChars: 100 });
    assert.equal((off.content[0] as { text: string }).text.length, 301);
  });
});
