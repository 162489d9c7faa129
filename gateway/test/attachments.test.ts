// PDF, DOCX and XLSX prompt attachments end to end: real documents built in the test go through the
// gateway's converter worker and reach the (fake) model as fenced text blocks; a corrupt document is
// 400 conversion_failed and five documents are 400 too_many_text_files, neither reaching the model.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
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
import { DOCX_MIME, makeDocx, makePdf, makeXlsx, XLSX_MIME } from './documents.js';
import { openStream, type SseClient } from './sse-client.js';

const API_KEY = 'test-key-attachments-0123456789abcdef';

describe('document attachments', () => {
  let stack: Stack;
  let llm: FakeLlm;
  let project: SeededProject;
  const clients: SseClient[] = [];

  const newSession = async (): Promise<string> => {
    const res = await stack.api('/api/v1/sessions', { method: 'POST', json: { projectId: project.id } });
    const body = (await res.json()) as { sessionId: string };
    assert.equal(res.status, 201, JSON.stringify(body));
    return body.sessionId;
  };
  const prompt = (id: string, text: string, files: [Buffer, string, string][]) => {
    const form = new FormData();
    form.append('text', text);
    for (const [data, type, name] of files) form.append('attachments', new Blob([new Uint8Array(data)], { type }), name);
    return stack.api(`/api/v1/sessions/${id}/prompt`, { method: 'POST', body: form });
  };
  const userText = (n: number) => {
    const msgs = llm.requests[n]!.body.messages as { role: string; content: string | { type: string; text?: string }[] }[];
    const user = msgs.filter((m) => m.role === 'user').at(-1)!;
    return typeof user.content === 'string'
      ? user.content
      : user.content
          .filter((p) => p.type === 'text')
          .map((p) => p.text)
          .join('');
  };

  before(async () => {
    llm = await startFakeLlm();
    const dirs = makeStackDirs();
    configureFakeLlm(dirs.piConfig, llm);
    project = seedProject(dirs, 'docs', { 'README.md': 'docs project\n' });
    stack = await startStack({ name: 'attachments', dirs, env: { API_KEY } });
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack?.dispose();
    await llm?.close();
  });

  it('PDF, DOCX and XLSX (by MIME or by extension) reach the model as fenced text', async () => {
    const id = await newSession();
    const c = await openStream(stack.baseUrl, id, API_KEY);
    clients.push(c);
    await c.waitFor((e) => e.type === 'snapshot', 'snapshot');
    llm.reset();
    const files: [Buffer, string, string][] = [
      [makePdf('Quarterly revenue grew 42 percent'), 'application/pdf', 'report.pdf'],
      [makeDocx(['Dear team,', 'the launch moves to Friday.']), DOCX_MIME, 'letter.docx'],
      [
        makeXlsx({
          Budget: [
            ['item', 'cost'],
            ['rent', 1200],
          ],
          Staff: [['name'], ['Ada']],
        }),
        XLSX_MIME,
        'numbers.xlsx',
      ],
      // Browsers often send Office files as octet-stream: the extension decides.
      [makePdf('Second file by extension only'), 'application/octet-stream', 'scan.pdf'],
    ];
    const res = await prompt(id, 'summarize these documents [no-tool]', files);
    assert.equal(res.status, 202, await res.clone().text());
    await c.waitFor((e) => e.type === 'agent_end', 'agent_end', 20_000);
    assert.equal(llm.requests.length, 1);
    const text = userText(0);
    assert.ok(text.includes('```pdf file: report.pdf\nQuarterly revenue grew 42 percent\n```'), text);
    assert.ok(text.includes('```docx file: letter.docx\nDear team,\n\nthe launch moves to Friday.\n```'), text);
    assert.ok(
      text.includes('```xlsx file: numbers.xlsx\n## Sheet: Budget\nitem\tcost\nrent\t1200\n\n## Sheet: Staff\nname\nAda\n```'),
      text,
    );
    assert.ok(text.includes('```pdf file: scan.pdf\nSecond file by extension only\n```'), text);
    assert.ok(text.indexOf('report.pdf') < text.indexOf('summarize these documents'), 'attachments come before the typed text');
  });

  it('a corrupt document is 400 conversion_failed naming the file; a fifth text file is 400 too_many_text_files', async () => {
    const id = await newSession();
    llm.reset();
    const refused = async (res: Response, error: string, mentions?: string) => {
      const body = (await res.json()) as { error: string; message: string };
      assert.deepEqual([res.status, body.error], [400, error], JSON.stringify(body));
      if (mentions) assert.ok(body.message.includes(mentions), body.message);
    };
    await refused(
      await prompt(id, 'read this [no-tool]', [[randomBytes(4096), 'application/octet-stream', 'x.pdf']]),
      'conversion_failed',
      'x.pdf',
    );
    await refused(
      await prompt(id, 'read this [no-tool]', [
        [makeDocx(['fine']), DOCX_MIME, 'ok.docx'],
        [Buffer.from('PK\x03\x04 truncated zip'), XLSX_MIME, 'broken.xlsx'],
      ]),
      'conversion_failed',
      'broken.xlsx',
    );
    const pdf = makePdf('one of five');
    await refused(
      await prompt(
        id,
        'five documents [no-tool]',
        [0, 1, 2, 3, 4].map((i) => [pdf, 'application/pdf', `d${i}.pdf`] as [Buffer, string, string]),
      ),
      'too_many_text_files',
    );
    // Documents and plain text files share the limit of four.
    await refused(
      await prompt(id, 'mixed [no-tool]', [
        ...[0, 1, 2].map((i) => [Buffer.from(`note ${i}\n`), 'text/plain', `n${i}.txt`] as [Buffer, string, string]),
        [pdf, 'application/pdf', 'a.pdf'],
        [pdf, 'application/pdf', 'b.pdf'],
      ]),
      'too_many_text_files',
    );
    await refused(
      await prompt(id, 'legacy word [no-tool]', [[Buffer.from('\xd0\xcf\x11\xe0\0\0binary', 'latin1'), 'application/msword', 'old.doc']]),
      'unsupported_attachment_type',
    );
    assert.equal(llm.requests.length, 0, 'refused prompts never reached the model');
    const msgs = (await (await stack.api(`/api/v1/sessions/${id}/messages`)).json()) as { messages: { role: string }[] };
    assert.equal(msgs.messages.filter((m) => m.role === 'user').length, 0, 'nothing was added to the session');
  });
});
