// GET /files/download: the service's DownloadPath stream as the HTTP body. The first message
// (name, kind, size) is awaited before any header goes out, so errors still answer as JSON; then
// bytes are pulled from the gRPC stream only as fast as the socket takes them.
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { DownloadPathRequest, DownloadPathResponse } from '@pi-forge/proto/workspace';
import type { WorkspaceClient } from '../clients/workspace.client.js';

export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export async function sendDownload(workspace: WorkspaceClient, req: DownloadPathRequest, reply: FastifyReply): Promise<void> {
  const upstream = workspace.downloadPath(req);
  // Attached first: a client that leaves at any point releases the service's file at once.
  reply.raw.once('close', () => upstream.cancel());
  const iterator = upstream[Symbol.asyncIterator]() as AsyncIterator<DownloadPathResponse>;
  const first = await iterator.next();
  const info = first.done ? undefined : first.value.info;
  if (!info) {
    upstream.cancel();
    throw new Error('download stream began without its info message');
  }
  const body = Readable.from(
    (async function* () {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        if (next.value.chunk) yield next.value.chunk;
      }
    })(),
    { objectMode: false },
  );
  reply.header('content-disposition', contentDisposition(info.fileName));
  if (info.directory) reply.type('application/gzip');
  else {
    reply.type('application/octet-stream');
    reply.header('content-length', String(info.size));
  }
  await reply.send(body);
}
