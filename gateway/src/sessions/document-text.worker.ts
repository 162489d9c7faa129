// Runs in a worker thread started by document-text.ts: converts one PDF, DOCX or XLSX document
// (workerData {kind, data}) to plain text and posts back {ok: true, text} or {ok: false, error}.
// It lives in its own thread so a huge or hostile document cannot block the gateway's event loop;
// the parent caps its time and heap and terminates it when either runs out.
import { parentPort, workerData } from 'node:worker_threads';
import type { DocumentKind } from './document-text.js';

interface Job {
  kind: DocumentKind;
  data: Uint8Array;
  maxBytes: number;
}

async function pdfText(data: Uint8Array): Promise<string> {
  const { getDocumentProxy, extractText } = await import('unpdf');
  // verbosity 0: pdf.js's console warnings about damaged files would end up in the gateway's log stream.
  // (The worker is terminated right after, which frees the document.)
  const pdf = await getDocumentProxy(data, { verbosity: 0 });
  const { text } = await extractText(pdf, { mergePages: true });
  return text;
}

async function docxText(data: Uint8Array): Promise<string> {
  const mammoth = (await import('mammoth')).default;
  const { value } = await mammoth.extractRawText({ buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
  return value;
}

const cellText = (value: unknown, text: string): string =>
  (value instanceof Date ? value.toISOString() : text).replace(/[\t\r\n]+/g, ' ');

async function xlsxText(data: Uint8Array): Promise<string> {
  const ExcelJS = (await import('exceljs')).default;
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(data.buffer, data.byteOffset, data.byteLength) as never);
  const out: string[] = [];
  book.eachSheet((sheet) => {
    out.push(`## Sheet: ${sheet.name}`);
    sheet.eachRow((row) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) {
        const cell = row.getCell(c);
        cells.push(cellText(cell.value, cell.text ?? ''));
      }
      out.push(cells.join('\t').replace(/\t+$/, ''));
    });
    out.push('');
  });
  return out.join('\n').trimEnd();
}

/** Cuts text to at most maxBytes of UTF-8 (never inside a character) and says so. */
function capText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const head = new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, '');
  return `${head}\n\n[truncated: the converted text is ${bytes.length} bytes, only the first ${maxBytes} are included]`;
}

async function run(job: Job): Promise<string> {
  const text = job.kind === 'pdf' ? await pdfText(job.data) : job.kind === 'docx' ? await docxText(job.data) : await xlsxText(job.data);
  return capText(text.trimEnd(), job.maxBytes);
}

if (parentPort) {
  const port = parentPort;
  run(workerData as Job).then(
    (text) => port.postMessage({ ok: true, text }),
    (err: unknown) => port.postMessage({ ok: false, error: (err instanceof Error ? err.message : String(err)).split(/(?<=[.?!])\s/)[0]!.slice(0, 200) }),
  );
}
