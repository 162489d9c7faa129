// Decompression bombs as prompt attachments (issue 12.9), sent through the real gateway: a DOCX
// and an XLSX whose parts declare 600 MiB, a DOCX whose zip headers lie (1 KiB declared, 600 MiB
// inside) and a PDF whose content stream inflates to 600 MiB are each refused 400
// conversion_failed with the reason, the model never sees them, the gateway's peak RSS stays far
// below what inflating any of them would take, and ordinary documents still convert afterwards.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  configureFakeLlm,
  makeStackDirs,
  seedProject,
  startFakeLlm,
  startStack,
  type FakeLlm,
  type SeededProject,
  type Stack,
} from '@pi-forge/test-fixtures';
import { DOCX_MIME, makeBomb, makeDocx, makeXlsx, XLSX_MIME } from './documents.js';
import { openStream, type SseClient } from './sse-client.js';

const API_KEY = 'test-key-attachment-bombs-0123456789';
/** Each bomb inflates to 600 MiB: more than the gateway's whole bound below, yet quick to build. */
const BOMB_MIB = 600;
/** Peak resident memory of a process (kB → MB), from /proc. */
const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

describe('attachment decompression bombs', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const clients: SseClient[] = [];

  const newSession = async () =>
    ((await (await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } })).json()) as { sessionId: string })
      .sessionId;
  const prompt = async (sessionId: string, text: string, files: [Buffer, string, string][]) => {
    const form = new FormData();
    form.append('text', text);
    for (const [data, type, name] of files) form.append('attachments', new Blob([new Uint8Array(data)], { type }), name);
    return stack.api(`/api/v1/sessions/${sessionId}/prompt`, { method: 'POST', body: form });
  };

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'bombs', { 'README.md': 'bombs\n' });
    stack = await startStack({ name: 'attachment-bombs', dirs, env: { API_KEY } });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.dispose();
    await llm?.close();
  });

  it("refuses each bomb with a clear 400 before inflating it, and the gateway's memory stays bounded", async () => {
    const bombs: [Buffer, string, string, RegExp][] = [
      [makeBomb('docx', BOMB_MIB), DOCX_MIME, 'declared.docx', /would decompress to 601 MiB, more than the 64 MiB allowed/],
      [makeBomb('xlsx', BOMB_MIB), XLSX_MIME, 'declared.xlsx', /would decompress to 601 MiB, more than the 64 MiB allowed/],
      [makeBomb('docx-lying', BOMB_MIB), DOCX_MIME, 'lying.docx', /inflates beyond its declared size/],
      [makeBomb('pdf', BOMB_MIB), 'application/pdf', 'stream.pdf', /the PDF would decompress to more than 128 MiB/],
    ];
    for (const [data] of bombs) assert.ok(data.length < 8 * 1024 * 1024, `the bomb is small on the wire (${data.length} bytes)`);
    llm.reset();
    const sessionId = await newSession();
    for (const [data, mime, name, reason] of bombs) {
      const res = await prompt(sessionId, 'read this [no-tool]', [[data, mime, name]]);
      const body = (await res.json()) as { error: string; message: string };
      assert.deepEqual([res.status, body.error], [400, 'conversion_failed'], JSON.stringify(body));
      assert.ok(body.message.includes(name), body.message);
      assert.match(body.message, reason);
    }
    assert.equal(llm.requests.length, 0, 'no bomb reached the model');
    const peak = peakRssMb(stack.pid('gateway'));
    console.log(`gateway peak RSS after four ${BOMB_MIB} MiB bombs: ${Math.round(peak)} MB`);
    assert.ok(peak < 450, `gateway peak RSS ${Math.round(peak)} MB (inflating one bomb would need more than ${BOMB_MIB} MB)`);
    assert.equal((await stack.health()).status, 'ok');
  });

  it('ordinary DOCX and XLSX attachments still convert after the bombs', async () => {
    llm.reset();
    const sessionId = await newSession();
    const c = await openStream(stack.baseUrl, sessionId, API_KEY);
    clients.push(c);
    await c.waitFor((e) => e.type === 'snapshot', 'snapshot');
    const res = await prompt(sessionId, 'summarize [no-tool]', [
      [makeDocx(['Dear team,', 'the launch moves to Friday.']), DOCX_MIME, 'letter.docx'],
      [
        makeXlsx({
          Budget: [
            ['item', 'cost'],
            ['rent', 1200],
          ],
        }),
        XLSX_MIME,
        'numbers.xlsx',
      ],
    ]);
    assert.equal(res.status, 202, await res.clone().text());
    await c.waitFor((e) => e.type === 'agent_end', 'agent_end');
    const msgs = llm.requests[0]!.body.messages as { role: string; content: string | { type: string; text?: string }[] }[];
    const user = msgs.filter((m) => m.role === 'user').at(-1)!;
    const text = typeof user.content === 'string' ? user.content : user.content.map((p) => p.text ?? '').join('');
    assert.ok(text.includes('```docx file: letter.docx\nDear team,\n\nthe launch moves to Friday.\n```'), text);
    assert.ok(text.includes('```xlsx file: numbers.xlsx\n## Sheet: Budget\nitem\tcost\nrent\t1200\n```'), text);
  });
});
