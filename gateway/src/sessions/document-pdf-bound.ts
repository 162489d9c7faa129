// A PDF's compressed streams are inflated by pdf.js on demand, into memory the worker's heap limit
// does not cover (ArrayBuffers). So before pdf.js sees a document, every stream is measured:
// Flate streams (each stage of a chain) are inflated with zlib's maxOutputLength set to what is
// left of the budget, and LZW / RunLength streams count at their worst-case expansion. A document
// whose streams would decode to more than the budget is refused without being parsed.
import { constants, inflateSync } from 'node:zlib';
import { DocumentLimitError } from './document-zip.js';

/** Most bytes all of one PDF's streams may decode to. */
export const MAX_PDF_DECODED_BYTES = 128 * 1024 * 1024;
/** Worst-case expansion of filters we do not run here (LZW: 4096 dictionary strings per ~6 KB of codes). */
const WORST_CASE: Record<string, number> = { LZWDecode: 1400, LZW: 1400, RunLengthDecode: 64, RL: 64 };

function inflatedLength(data: Buffer, budget: number): { length: number; out: Buffer } {
  try {
    const out = inflateSync(data, { maxOutputLength: budget + 1, finishFlush: constants.Z_SYNC_FLUSH });
    return { length: out.length, out };
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      return { length: budget + 1, out: Buffer.alloc(0) };
    return { length: 0, out: Buffer.alloc(0) }; // a damaged stream: pdf.js will not get far with it either
  }
}

/** Throws DocumentLimitError when the PDF's streams would decode to more than `budget` bytes. */
export function assertPdfDecodedSize(pdf: Buffer, budget = MAX_PDF_DECODED_BYTES): void {
  const text = pdf.toString('latin1');
  let used = 0;
  const over = () => new DocumentLimitError(`the PDF would decompress to more than ${Math.round(budget / (1024 * 1024))} MiB`);
  for (const m of text.matchAll(/>>\s*stream(\r\n|\n|\r)/g)) {
    const dataStart = m.index! + m[0].length;
    const dictStart = text.lastIndexOf('obj', m.index!);
    const dict = text.slice(Math.max(dictStart, m.index! - 4096), m.index!);
    const filterSpec = /\/Filter\s*(\[[^\]]*\]|\/\w+)/.exec(dict)?.[1] ?? '';
    const filters = [...filterSpec.matchAll(/\/(\w+)/g)].map((f) => f[1]!);
    if (!filters.length) continue;
    const length = Number(/\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict)?.[1]);
    const end = Number.isFinite(length) && dataStart + length <= pdf.length ? dataStart + length : text.indexOf('endstream', dataStart);
    let chunk = pdf.subarray(dataStart, end < 0 ? pdf.length : end);
    for (const filter of filters) {
      if (filter === 'FlateDecode' || filter === 'Fl') {
        const r = inflatedLength(chunk, budget - used);
        if (r.length > budget - used) throw over();
        chunk = r.out;
        continue;
      }
      const factor = WORST_CASE[filter];
      if (factor) used += chunk.length * factor;
      else used += chunk.length; // ASCIIHex / ASCII85 shrink; images (DCT, JPX, JBIG2, CCITT) are not decoded for text
      chunk = Buffer.alloc(0);
      break;
    }
    used += chunk.length;
    if (used > budget) throw over();
  }
}
