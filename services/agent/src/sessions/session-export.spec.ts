import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportFileName, exportJsonl, exportMarkdown, linkChildren, MARKDOWN_RESULT_LIMIT, type ExportSource } from './session-export.js';

const line = (o: object) => `${JSON.stringify(o)}\n`;
const parent = [
  line({ type: 'session', id: 'parent-1', cwd: '/w/demo' }),
  line({ type: 'message', id: 'u1', parentId: null, message: { role: 'user', content: [{ type: 'text', text: 'Delegate it' }] } }),
  line({
    type: 'message',
    id: 'a1',
    parentId: 'u1',
    message: {
      role: 'assistant',
      provider: 'fake',
      model: 'm1',
      content: [
        { type: 'text', text: 'Calling.' },
        { type: 'toolCall', id: 'call-7', name: 'subagent', arguments: { task: 'x' } },
      ],
    },
  }),
  line({
    type: 'message',
    id: 'r1',
    parentId: 'a1',
    message: {
      role: 'toolResult',
      toolCallId: 'call-7',
      toolName: 'subagent',
      content: [{ type: 'text', text: 'y'.repeat(MARKDOWN_RESULT_LIMIT + 10) }],
      details: { sessionFile: '/s/p/x/2026_child-aaaa.jsonl' },
    },
  }),
  line({ type: 'message', id: 'u2', parentId: 'r1', message: { role: 'user', content: 'Thanks' } }),
].join('');
const child =
  line({ type: 'session', id: 'child-aaaa' }) +
  line({ type: 'message', id: 'c1', parentId: null, message: { role: 'user', content: 'child task' } });
const orphan = line({ type: 'session', id: 'orphan-bbbb' });
const source = (children: ExportSource['children']): ExportSource => ({
  sessionId: 'parent-1',
  title: 'Demo',
  projectId: 'p1',
  projectName: 'demo',
  model: 'fake/m1',
  jsonl: parent,
  children,
});

describe('session export', () => {
  it('jsonl without children is the file unchanged (spacing, key order, trailing newline)', () => {
    const odd = '{"b":1,  "a":2}\n{"type":"message"}';
    assert.equal(exportJsonl({ ...source([]), jsonl: odd }), odd);
  });

  it('jsonl inlines a child right after the tool result that names it, between markers; an unlinked child goes last', () => {
    const out = exportJsonl(
      source([
        { sessionId: 'child-aaaa', name: 'Worker', jsonl: child },
        { sessionId: 'orphan-bbbb', jsonl: orphan },
      ]),
    );
    const lines = out.trimEnd().split('\n');
    assert.ok(out.startsWith(parent.split('\n').slice(0, 4).join('\n') + '\n'), 'parent lines before the result are verbatim');
    assert.deepEqual(JSON.parse(lines[4]!), {
      type: 'subagent_inline_start',
      sessionId: 'child-aaaa',
      parentSessionId: 'parent-1',
      parentToolCallId: 'call-7',
      name: 'Worker',
    });
    assert.equal(`${lines[5]}\n${lines[6]}\n`, child);
    assert.deepEqual(JSON.parse(lines[7]!), {
      type: 'subagent_inline_end',
      sessionId: 'child-aaaa',
      parentSessionId: 'parent-1',
      parentToolCallId: 'call-7',
    });
    assert.equal(JSON.parse(lines[8]!).id, 'u2');
    assert.equal(JSON.parse(lines[9]!).type, 'subagent_inline_start');
    assert.equal(JSON.parse(lines[9]!).parentToolCallId, null);
    const withoutMarkers = lines.filter((l) => !l.includes('subagent_inline_')).join('\n') + '\n';
    const parentLines = parent.match(/[^\n]*\n/g)!;
    assert.equal(withoutMarkers, parentLines.slice(0, 4).join('') + child + parentLines[4] + orphan, 'nothing but the markers is added');
  });

  it('markdown: title, project, model, one heading per user turn, tool call, truncated result with a note, child inlined', () => {
    const md = exportMarkdown(source([{ sessionId: 'child-aaaa', name: 'Worker', jsonl: child }]));
    assert.match(md, /^# Demo\n\n- \*\*Project:\*\* demo \(`p1`\)\n- \*\*Model:\*\* fake\/m1\n/);
    assert.equal(md.match(/^## User$/gm)?.length, 2);
    assert.ok(md.includes('### Tool call: `subagent`'), md);
    assert.ok(md.includes(`${'y'.repeat(MARKDOWN_RESULT_LIMIT)}\n\`\`\``));
    assert.ok(!md.includes('y'.repeat(MARKDOWN_RESULT_LIMIT + 1)));
    assert.ok(
      md.includes(
        `*Output truncated: showing the first ${MARKDOWN_RESULT_LIMIT} of ${MARKDOWN_RESULT_LIMIT + 10} characters; the JSONL export has it all.*`,
      ),
    );
    const start = md.indexOf('<!-- subagent_inline_start sessionId=child-aaaa parentToolCallId=call-7 -->');
    const end = md.indexOf('<!-- subagent_inline_end sessionId=child-aaaa parentToolCallId=call-7 -->');
    assert.ok(start > md.indexOf('Output truncated') && end > start && md.indexOf('Thanks') > end, md);
    assert.ok(md.slice(start, end).includes('child task'));
  });

  it('file names: slug of the name or id, lower-case [a-z0-9-], at most 64 characters, "session" fallback', () => {
    const day = new Date('2026-03-04T10:00:00Z');
    assert.equal(exportFileName('Fix: the *Login* page!', 'id', 'md', day), 'fix-the-login-page-2026-03-04.md');
    assert.equal(exportFileName(undefined, 'ABC-123', 'jsonl', day), 'abc-123-2026-03-04.jsonl');
    assert.equal(exportFileName('日本語', 'x', 'md', day), 'session-2026-03-04.md');
    const long = exportFileName('a'.repeat(63) + ' b', 'x', 'md', day);
    assert.equal(long, `${'a'.repeat(63)}-2026-03-04.md`);
    assert.ok(long.length - '-2026-03-04.md'.length <= 64);
  });

  it('links a pi-subagents child by the run id in the tool result details (its file is <runId>/run-N/session.jsonl)', () => {
    const jsonl = line({
      type: 'message',
      id: 'r9',
      message: {
        role: 'toolResult',
        toolCallId: 'call-9',
        toolName: 'subagent',
        content: [{ type: 'text', text: 'done' }],
        details: { mode: 'single', runId: 'run-abc' },
      },
    });
    const links = linkChildren(jsonl, [
      { sessionId: 'child-1', jsonl: child, runId: 'run-abc/run-0', path: '/s/p/x/run-abc/run-0/session.jsonl' },
      { sessionId: 'child-2', jsonl: child, runId: 'run-abcd/run-0' },
    ]);
    assert.equal(links.get('child-1'), 'call-9');
    assert.equal(links.has('child-2'), false, 'a run id prefix is not a match');
  });
});
