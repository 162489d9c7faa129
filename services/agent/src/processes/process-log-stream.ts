// A process log as a paced stream of chunks: the rotated part (`.1`, older) first, then the
// current file, read only as fast as the gRPC call drains, so a 20 MB log is never held in memory.
// A file that does not exist (yet, or any more) is simply empty.
import { createReadStream, existsSync } from 'node:fs';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import { GrpcStatus, type ForgeErrorBody } from '@pi-forge/runtime';
import type { ReadProcessLogResponse } from '@pi-forge/proto/agent';

const CHUNK_BYTES = 64 * 1024;

export function streamProcessLog(
  file: string,
  call: ServerWritableStream<unknown, ReadProcessLogResponse>,
): Observable<ReadProcessLogResponse> {
  return new Observable<ReadProcessLogResponse>((sub) => {
    const parts = [`${file}.1`, file].filter((f) => existsSync(f));
    let current: ReturnType<typeof createReadStream> | undefined;
    const next = () => {
      const path = parts.shift();
      if (!path) return sub.complete();
      const source = createReadStream(path, { highWaterMark: CHUNK_BYTES });
      current = source;
      source.on('data', (chunk) => {
        sub.next({ chunk: chunk as Buffer });
        if (call.writableNeedDrain) {
          source.pause();
          call.once('drain', () => source.resume());
        }
      });
      source.on('end', next);
      source.on('error', (err: NodeJS.ErrnoException) => {
        // Rotated away or cleared between the check and the read: the rest is empty.
        if (err.code === 'ENOENT') return next();
        sub.error({
          code: GrpcStatus.INTERNAL,
          details: JSON.stringify({ error: 'internal_error', message: 'reading the process log failed' } satisfies ForgeErrorBody),
        });
      });
    };
    next();
    return () => current?.destroy();
  });
}
