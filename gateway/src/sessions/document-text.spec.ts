import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBomb, makeDocx, makeXlsx } from '../../test/documents.js';
import { DocumentConversionError, convertDocument, documentKind } from './document-text.js';

const xlsx = async (sheets: Record<string, (string | number | Date)[][]>) => makeXlsx(sheets);

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
  const data = await xlsx({
    Budget: [
      ['item', 'cost'],
      ['rent', 1200],
      ['a\tb\nc', 3.5],
    ],
    Notes: [['only', 'row']],
  });
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
  await assert.rejects(
    convertDocument('xlsx', data, { timeoutMs: 1 }),
    (err: Error) => err instanceof DocumentConversionError && /longer than 1 ms/.test(err.message),
  );
});

test('many conversions at once all finish (they queue for a worker slot)', async () => {
  const data = await xlsx({ S: [['same']] });
  const texts = await Promise.all(Array.from({ length: 6 }, () => convertDocument('xlsx', data)));
  assert.deepEqual(texts, Array(6).fill('## Sheet: S\nsame'));
});

test('xlsx: dates (by cell style) as ISO timestamps, gaps between cells kept, empty rows skipped', async () => {
  const data = await xlsx({ D: [['when', new Date('2024-03-01T12:00:00Z')], [], ['x', '', 'z']] });
  assert.equal(await convertDocument('xlsx', data), '## Sheet: D\nwhen\t2024-03-01T12:00:00.000Z\nx\t\tz');
});

test('docx still converts through the bounded unzip (paragraphs as blank-line separated text)', async () => {
  assert.equal(await convertDocument('docx', makeDocx(['one', 'two & three'])), 'one\n\ntwo & three');
});

test('decompression bombs are refused before inflating: declared sizes, lying sizes, PDF streams', async () => {
  const refused = async (kind: 'docx' | 'xlsx' | 'pdf', data: Buffer, message: RegExp) =>
    assert.rejects(
      convertDocument(kind, data),
      (err: Error) => err instanceof DocumentConversionError && message.test(err.message),
      `${kind}`,
    );
  await refused('docx', makeBomb('docx', 80), /would decompress to 81 MiB, more than the 64 MiB allowed/);
  await refused('xlsx', makeBomb('xlsx', 80), /would decompress to 81 MiB, more than the 64 MiB allowed/);
  await refused('docx', makeBomb('docx-lying', 80), /word\/document\.xml inflates beyond its declared size/);
  await refused('pdf', makeBomb('pdf', 140), /the PDF would decompress to more than 128 MiB/);
});
