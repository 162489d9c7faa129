// PDF, DOCX and XLSX prompt attachments to plain text (docs/compatibility.md#sessions). Each conversion runs in its
// own worker thread (document-text.worker.ts) with a time limit, a heap limit and a cap on the
// text it returns, so a huge or hostile document costs one terminated worker, never the gateway's
// event loop or heap. At most MAX_PARALLEL conversions run at once; the rest wait their turn.
import { Worker } from 'node:worker_threads';

export type DocumentKind = 'pdf' | 'docx' | 'xlsx';

export const CONVERSION_TIMEOUT_MS = 20_000;
export const MAX_CONVERTED_BYTES = 1024 * 1024;
const WORKER_HEAP_MB = 512;
const MAX_PARALLEL = 2;

const BY_MIME: Record<string, DocumentKind> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

/** The document kind of an attachment, by file extension or MIME type; null for anything else. */
export function documentKind(filename: string, mime: string): DocumentKind | null {
  const ext = /\.(pdf|docx|xlsx)$/i.exec(filename.trim())?.[1]?.toLowerCase() as DocumentKind | undefined;
  return ext ?? BY_MIME[mime.toLowerCase().split(';')[0]!.trim()] ?? null;
}

export class DocumentConversionError extends Error {}

export interface ConvertOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

let running = 0;
const waiting: (() => void)[] = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
}

/** Converts a document to text in a worker thread; rejects with DocumentConversionError on any failure or timeout. */
export async function convertDocument(kind: DocumentKind, data: Buffer, options: ConvertOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? CONVERSION_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_CONVERTED_BYTES;
  const release = await slot();
  try {
    return await new Promise<string>((resolve, reject) => {
      const copy = new Uint8Array(data); // its own ArrayBuffer, moved (not copied again) to the worker
      const worker = new Worker(new URL('./document-text.worker.js', import.meta.url), {
        workerData: { kind, data: copy, maxBytes },
        transferList: [copy.buffer],
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
        stdout: true,
        stderr: true,
      });
      let settled = false;
      const finish = (err: Error | null, text?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        if (err) reject(err);
        else resolve(text!);
      };
      const timer = setTimeout(
        () =>
          finish(
            new DocumentConversionError(`conversion took longer than ${timeoutMs >= 1000 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`}`),
          ),
        timeoutMs,
      );
      // Library chatter on the worker's console must not reach the gateway's JSON log lines.
      worker.stdout.resume();
      worker.stderr.resume();
      worker.on('message', (m: { ok: boolean; text?: string; error?: string }) =>
        m.ok ? finish(null, m.text ?? '') : finish(new DocumentConversionError(m.error || 'the document could not be read')),
      );
      worker.on('error', (err) => finish(new DocumentConversionError(err.message)));
      worker.on('exit', (code) => finish(new DocumentConversionError(`the converter stopped (exit code ${code})`)));
    });
  } finally {
    release();
  }
}
