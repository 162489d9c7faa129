// Helpers for the config backup tests: build tar.gz archives (hostile ones too: tar-stream writes
// whatever header it is given, so `..`, absolute names and links are crafted, not hand-rolled),
// read them back, post them as multipart, and fingerprint folders to prove nothing changed.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import type { Stack } from '@pi-forge/test-fixtures';

export interface Member {
  name: string;
  content?: string | Buffer;
  type?: tar.Header['type'];
  linkname?: string;
  mode?: number;
}

export async function makeTarGz(members: Member[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const m of members) {
    const content = typeof m.content === 'string' ? Buffer.from(m.content) : m.content;
    await new Promise<void>((resolve, reject) => {
      const header = { name: m.name, type: m.type ?? 'file', linkname: m.linkname, mode: m.mode ?? 0o644, size: content?.length ?? 0 };
      if (content) pack.entry(header, content, (err) => (err ? reject(err) : resolve()));
      else pack.entry(header, Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

export interface ReadMember {
  name: string;
  type: string;
  mode: number;
  content: Buffer;
}

export async function readTarGz(data: Buffer): Promise<ReadMember[]> {
  const extract = tar.extract();
  const out: ReadMember[] = [];
  const done = pipeline(Readable.from([data]), createGunzip(), extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out.push({ name: entry.header.name, type: entry.header.type, mode: entry.header.mode & 0o777, content: Buffer.concat(chunks) });
  }
  await done;
  return out;
}

/** POST one or more files as multipart (field `file`). */
export async function postFiles(stack: Stack, path: string, files: { name: string; data: Buffer | string }[]) {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([new Uint8Array(typeof f.data === 'string' ? Buffer.from(f.data) : f.data)]), f.name);
  const res = await stack.api(`/api/v1${path}`, { method: 'POST', body: form, signal: AbortSignal.timeout(120_000) });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** path → sha256 (files), `dir`, or `-> target` (links), of everything under the roots. */
export function fingerprint(...roots: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (path: string) => {
    let info;
    try {
      info = lstatSync(path);
    } catch {
      return;
    }
    if (info.isSymbolicLink()) out[path] = `-> ${readlinkSync(path)}`;
    else if (info.isDirectory()) {
      out[path] = `dir ${(info.mode & 0o777).toString(8)}`;
      for (const name of readdirSync(path)) visit(join(path, name));
    } else out[path] = `${(info.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  };
  for (const root of roots) visit(root);
  return out;
}
