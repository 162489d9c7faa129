// Fetches one logo for the cache (docs/compatibility.md#on-disk-files): http(s) only, no credentials, checked addresses only,
// at most 3 redirects, 2 MB, 5 s for the whole chain, and only bytes that are one of the image types.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy.js';

export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
export const LOGO_TIMEOUT_MS = 5_000;
const MAX_REDIRECTS = 3;

const TYPES: Record<string, string> = {
  'image/svg+xml': '.svg',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/jpg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/avif': '.avif',
};
const EXTENSIONS: Record<string, string> = {
  '.svg': '.svg',
  '.png': '.png',
  '.jpg': '.jpg',
  '.jpeg': '.jpg',
  '.gif': '.gif',
  '.webp': '.webp',
  '.avif': '.avif',
};
export const CONTENT_TYPE_OF: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
};

export class LogoFetchError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'LogoFetchError';
  }
}

export interface FetchedLogo {
  bytes: Buffer;
  ext: string;
}

export interface LogoFetchOptions {
  policy: AddressPolicy;
  maxBytes?: number;
  timeoutMs?: number;
  /** The resolver (specs pass a fake; production uses the system's). */
  lookup?: typeof dnsLookup;
}

export async function fetchLogo(rawUrl: string, options: LogoFetchOptions): Promise<FetchedLogo> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? LOGO_TIMEOUT_MS);
  let url = new URL(rawUrl);
  for (let hop = 0; ; hop++) {
    const res = await get(url, options, signal);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new LogoFetchError('too many redirects');
      url = new URL(res.headers.location, url);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new LogoFetchError(`HTTP ${status}`);
    }
    const ext = imageExtension(res.headers['content-type'], url);
    const bytes = await readCapped(res, options.maxBytes ?? LOGO_MAX_BYTES, signal);
    if (!looksLike(ext, bytes)) throw new LogoFetchError(`the bytes are not a ${ext.slice(1)} image`);
    return { bytes, ext };
  }
}

function get(url: URL, options: LogoFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LogoFetchError(`${url.protocol} URLs are not fetched`);
  if (url.username || url.password) throw new LogoFetchError('URLs with credentials are not fetched');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // An IP literal never goes through lookup(), so it is checked here.
  if (isIP(host)) {
    const why = options.policy.refuse(host);
    if (why) throw new LogoFetchError(`refused ${why}`);
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        signal,
        lookup: checkedLookup(options.policy, options.lookup ?? dnsLookup),
        // No cookies or auth headers, ever; identify ourselves and ask for images.
        headers: { accept: 'image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8', 'user-agent': 'pi-forge-logo-cache' },
      },
      resolve,
    );
    req.once('error', (err) =>
      reject(
        err instanceof LogoFetchError ? err : signal.aborted ? new LogoFetchError('timed out') : new LogoFetchError((err as Error).message),
      ),
    );
    req.end();
  });
}

/** Resolves every address of the name, refuses the connection if any is not allowed, and pins the first. */
function checkedLookup(policy: AddressPolicy, resolve: typeof dnsLookup): LookupFunction {
  return (hostname, _options, callback) => {
    resolve(hostname, { all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.map((a) => policy.refuse(a.address)).find(Boolean);
      if (refused || addresses.length === 0)
        return callback(new LogoFetchError(`refused ${refused ?? 'no address'} for ${hostname}`), '', 0);
      // net.connect may ask for all addresses (autoSelectFamily); give it only the checked ones.
      if ((_options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function imageExtension(contentType: string | undefined, url: URL): string {
  const type = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  if (TYPES[type]) return TYPES[type];
  // A generic type is acceptable only when the file name says which image it is.
  if (type === '' || type === 'application/octet-stream' || type === 'binary/octet-stream') {
    const ext = /\.[a-z]+$/i.exec(url.pathname)?.[0].toLowerCase() ?? '';
    if (EXTENSIONS[ext]) return EXTENSIONS[ext];
  }
  throw new LogoFetchError(`not an image type: ${type || '(none)'}`);
}

function readCapped(res: IncomingMessage, max: number, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    res.destroy();
    return Promise.reject(new LogoFetchError(`larger than ${max} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        // Reject before destroy(): destroying emits 'aborted' synchronously.
        reject(new LogoFetchError(`larger than ${max} bytes`));
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('error', (err) => reject(signal.aborted ? new LogoFetchError('timed out') : new LogoFetchError(err.message)));
    res.once('aborted', () => reject(new LogoFetchError(signal.aborted ? 'timed out' : 'connection aborted')));
  });
}

/** The first bytes match the format the type promised (so an HTML page served as image/png is refused). */
function looksLike(ext: string, b: Buffer): boolean {
  switch (ext) {
    case '.png':
      return b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case '.jpg':
      return b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
    case '.gif':
      return /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1'));
    case '.webp':
      return b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP';
    case '.avif':
      return b.subarray(4, 8).toString('latin1') === 'ftyp' && /avi[fs]/.test(b.subarray(8, 32).toString('latin1'));
    case '.svg':
      return /^(\uFEFF)?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?<svg[\s>]/i.test(
        b.subarray(0, 4096).toString('utf8'),
      );
    default:
      return false;
  }
}
