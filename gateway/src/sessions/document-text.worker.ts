// Runs in a worker thread started by document-text.ts: converts one PDF, DOCX or XLSX document
// (workerData {kind, data}) to plain text and posts back {ok: true, text} or {ok: false, error}.
// It lives in its own thread so a huge or hostile document cannot block the gateway's event loop;
// the parent caps its time and heap and terminates it when either runs out. Decompression is
// bounded before it starts (document-zip.ts, document-pdf-bound.ts): inflated buffers live outside
// the heap limit, so a zip or PDF bomb is measured and refused rather than inflated.
import { parentPort, workerData } from 'node:worker_threads';
import type { DocumentKind } from './document-text.js';
import { assertPdfDecodedSize } from './document-pdf-bound.js';
import { readZipEntries, storedZip } from './document-zip.js';
import { xlsxToText } from './document-xlsx.js';

interface Job {
  kind: DocumentKind;
  data: Uint8Array;
  maxBytes: number;
}

async function pdfText(data: Uint8Array): Promise<string> {
  assertPdfDecodedSize(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  const { getDocumentProxy, extractText } = await import('unpdf');
  // verbosity 0: pdf.js's console warnings about damaged files would end up in the gateway's log stream.
  // (The worker is terminated right after, which frees the document.)
  const pdf = await getDocumentProxy(data, { verbosity: 0 });
  const { text } = await extractText(pdf, { mergePages: true });
  return text;
}

async function docxText(data: Uint8Array): Promise<string> {
  // mammoth unzips by itself, without a size limit: hand it only the XML parts, already inflated
  // within the budget and re-packed uncompressed (images and embedded files are never inflated).
  const parts = readZipEntries(Buffer.from(data.buffer, data.byteOffset, data.byteLength), (name) => /\.(xml|rels)$/i.test(name));
  const mammoth = (await import('mammoth')).default;
  const { value } = await mammoth.extractRawText({ buffer: storedZip(parts) });
  return value;
}

/** Cuts text to at most maxBytes of UTF-8 (never inside a character) and says so. */
function capText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const head = new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, '');
  return `${head}\n\n[truncated: the converted text is ${bytes.length} bytes, only the first ${maxBytes} are included]`;
}

async function run(job: Job): Promise<string> {
  const text =
    job.kind === 'pdf'
      ? await pdfText(job.data)
      : job.kind === 'docx'
        ? await docxText(job.data)
        : xlsxToText(Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength));
  return capText(text.trimEnd(), job.maxBytes);
}

if (parentPort) {
  const port = parentPort;
  run(workerData as Job).then(
    (text) => port.postMessage({ ok: true, text }),
    (err: unknown) =>
      port.postMessage({ ok: false, error: (err instanceof Error ? err.message : String(err)).split(/(?<=[.?!])\s/)[0]!.slice(0, 200) }),
  );
}
