// A bounded reader for the zip container of DOCX and XLSX attachments. Decompression bombs are
// stopped before anything is inflated: the central directory's declared sizes of the entries we
// will read must fit the budget, and each entry is inflated with zlib's maxOutputLength set to its
// declared size, so an entry that lies about its size fails instead of growing without bound.
// ZIP64, encrypted entries and methods other than stored/deflate are refused (Office never needs
// them below 4 GB). A tiny writer re-packs entries uncompressed for libraries that insist on a zip.
import { crc32, inflateRawSync } from 'node:zlib';

/** Most bytes one document may inflate to, all entries read together. */
export const MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 20_000;

export class DocumentLimitError extends Error {}

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function fail(message: string): never {
  throw new Error(`not a readable document: ${message}`);
}

function centralDirectory(zip: Buffer): Entry[] {
  // End of central directory: 22 bytes plus a comment of at most 65535.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('no zip directory');
  const count = zip.readUInt16LE(eocd + 10);
  const size = zip.readUInt32LE(eocd + 12);
  const offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) fail('ZIP64 archives are not supported');
  if (count > MAX_ENTRIES) throw new DocumentLimitError(`the document has more than ${MAX_ENTRIES} parts`);
  if (offset + size > eocd) fail('the zip directory is out of bounds');
  const entries: Entry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > offset + size || zip.readUInt32LE(p) !== 0x02014b50) fail('a damaged zip directory');
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    entries.push({
      flags: zip.readUInt16LE(p + 8),
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      localOffset: zip.readUInt32LE(p + 42),
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function inflateEntry(zip: Buffer, e: Entry): Buffer {
  if (e.flags & 0x1) fail(`${e.name} is encrypted`);
  const local = e.localOffset;
  if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) fail(`a damaged entry ${e.name}`);
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const end = start + e.compressedSize;
  if (end > zip.length) fail(`${e.name} is cut short`);
  const raw = zip.subarray(start, end);
  if (e.method === 0) {
    if (e.compressedSize !== e.size) fail(`${e.name} has inconsistent sizes`);
    return raw;
  }
  if (e.method !== 8) fail(`${e.name} uses an unsupported compression method`);
  if (e.size === 0) return Buffer.alloc(0);
  let out: Buffer;
  try {
    out = inflateRawSync(raw, { maxOutputLength: e.size });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new DocumentLimitError(`${e.name} inflates beyond its declared size`);
    fail(`${e.name} does not inflate`);
  }
  if (out.length !== e.size) fail(`${e.name} inflates to another size than declared`);
  return out;
}

/**
 * The entries of `zip` that `wanted` selects, inflated, after checking that their declared sizes
 * together fit `budget`. Entries not selected (images, embedded files) are never inflated.
 */
export function readZipEntries(zip: Buffer, wanted: (name: string) => boolean, budget = MAX_UNCOMPRESSED_BYTES): Map<string, Buffer> {
  const entries = centralDirectory(zip).filter((e) => !e.name.endsWith('/') && wanted(e.name));
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (declared > budget) {
    throw new DocumentLimitError(`the document would decompress to ${mib(declared)} MiB, more than the ${mib(budget)} MiB allowed`);
  }
  return new Map(entries.map((e) => [e.name, inflateEntry(zip, e)]));
}

const mib = (n: number) => Math.ceil(n / (1024 * 1024));

/** An uncompressed zip of `files` (for a parser that reads zips itself: nothing left to inflate). */
export function storedZip(files: Map<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.size, 8);
  end.writeUInt16LE(files.size, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
