import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { DocumentConversionError, convertDocument, documentKind } from './document-text.js';

async function xlsx(sheets: Record<string, (string | number | Date)[][]>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) book.addWorksheet(name).addRows(rows);
  return Buffer.from(await book.xlsx.writeBuffer());
}

test('documentKind: by extension (any case) or by MIME; everything else is null', () => {
  const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  const xlsxMime = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const cases: Array<[string, string, string | null]> = [
    ['report.pdf', 'application/octet-stream', 'pdf'],
    ['REPORT.PDF', '', 'pdf'],
    ['letter.docx', 'application/octet-stream', 'docx'],
    ['book.xlsx', 'application/zip', 'xlsx'],
    ['noext', 'application/pdf', 'pdf'],
    ['noext', docx, 'docx'],
    ['noext', `${xlsxMime}; charset=binary`, 'xlsx'],
    ['old.doc', 'application/msword', null],
    ['old.xls', 'application/vnd.ms-excel', null],
    ['pdf.txt', 'text/plain', null],
  ];
  for (const [name, mime, kind] of cases) assert.equal(documentKind(name, mime), kind, `${name} ${mime}`);
});

test('xlsx: every sheet under a heading, rows as tab-separated lines, tabs and newlines in cells flattened', async () => {
  const data = await xlsx({ Budget: [['item', 'cost'], ['rent', 1200], ['a\tb\nc', 3.5]], Notes: [['only', 'row']] });
  assert.equal(await convertDocument('xlsx', data), '## Sheet: Budget\nitem\tcost\nrent\t1200\na b c\t3.5\n\n## Sheet: Notes\nonly\trow');
});

test('the produced text is capped at maxBytes with a note, never splitting a character', async () => {
  // "## Sheet: S\n" is 12 bytes, each row 201 (100 two-byte é and a newline): byte 1001 falls inside an é.
  const data = await xlsx({ S: Array.from({ length: 50 }, () => ['é'.repeat(100)]) });
  const text = await convertDocument('xlsx', data, { maxBytes: 1001 });
  const [head, note] = text.split('\n\n[truncated: ');
  assert.equal(Buffer.byteLength(head!), 1000);
  assert.ok(!head!.includes('\uFFFD') && head!.endsWith('é'));
  assert.match(note!, /^the converted text is \d+ bytes, only the first 1001 are included\]$/);
});

test('corrupt documents and timeouts reject with DocumentConversionError', async () => {
  for (const kind of ['pdf', 'docx', 'xlsx'] as const) {
    await assert.rejects(convertDocument(kind, Buffer.from('definitely not a document')), DocumentConversionError, kind);
  }
  const data = await xlsx({ S: [['a']] });
  await assert.rejects(convertDocument('xlsx', data, { timeoutMs: 1 }), (err: Error) => err instanceof DocumentConversionError && /longer than 1 ms/.test(err.message));
});

test('many conversions at once all finish (they queue for a worker slot)', async () => {
  const data = await xlsx({ S: [['same']] });
  const texts = await Promise.all(Array.from({ length: 6 }, () => convertDocument('xlsx', data)));
  assert.deepEqual(texts, Array(6).fill('## Sheet: S\nsame'));
});
