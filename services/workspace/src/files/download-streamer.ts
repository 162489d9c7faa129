// Streams a file, or a folder as .tar.gz (noise folders skipped, symlinks stored, never followed),
// as a paced Observable: the source is paused whenever the gRPC call needs to drain, so a slow
// client never makes us buffer the file in memory (stack.md §3, Nest's unbounded write buffer).
import { Injectable } from '@nestjs/common';
import { basename, dirname } from 'node:path';
import { Observable } from 'rxjs';
import { create as createTar } from 'tar';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { forgeError, GrpcStatus, type ForgeErrorBody } from '@pi-forge/runtime';
import type { DownloadPathResponse } from '@pi-forge/proto/workspace';
import { fsError } from '../paths/fs-errors.js';
import { ProjectFiles } from './project-files.js';
import { SKIP_DIRS } from './skip-dirs.js';

const CHUNK_BYTES = 256 * 1024;

interface Source {
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'end', fn: () => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

@Injectable()
export class DownloadStreamer {
  constructor(private readonly files: ProjectFiles) {}

  /** Resolves and checks the target first, so a bad request fails before any byte is sent. */
  async open(
    projectId: string,
    path: string,
    call: ServerWritableStream<unknown, DownloadPathResponse>,
  ): Promise<Observable<DownloadPathResponse>> {
    const fs = await this.files.fs(projectId);
    const target = path ? await fs.resolve(path) : await fs.root();
    const info = await fs.stat(target).catch((err) => {
      throw fsError(err);
    });
    if (info.isFile()) {
      const source = fs.readStream(target, CHUNK_BYTES);
      return paced(call, { fileName: basename(target.real), directory: false, size: info.size }, source, () => source.destroy());
    }
    if (!info.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_file', 'path is neither a file nor a directory');
    // tar reads the folder itself (a library, not our code): from the checked folder's parent,
    // never following a link, so it cannot leave the folder.
    const name = target.real === target.root ? basename(target.root) || 'project' : basename(target.real);
    const tar = createTar(
      {
        gzip: true,
        cwd: dirname(target.real),
        portable: true,
        follow: false,
        filter: (p: string) => !p.split('/').some((segment) => SKIP_DIRS.has(segment)),
      },
      [basename(target.real)],
    );
    return paced(call, { fileName: `${name}.tar.gz`, directory: true, size: 0 }, tar as unknown as Source, () =>
      (tar as unknown as { destroy?: () => void }).destroy?.(),
    );
  }
}

function paced(
  call: ServerWritableStream<unknown, DownloadPathResponse>,
  info: { fileName: string; directory: boolean; size: number },
  source: Source,
  stop: () => void,
): Observable<DownloadPathResponse> {
  return new Observable<DownloadPathResponse>((sub) => {
    sub.next({ info });
    source.on('data', (chunk: Buffer) => {
      sub.next({ chunk });
      if (call.writableNeedDrain) {
        source.pause();
        call.once('drain', () => source.resume());
      }
    });
    source.on('end', () => sub.complete());
    source.on('error', () =>
      sub.error({
        code: GrpcStatus.INTERNAL,
        details: JSON.stringify({ error: 'internal_error', message: 'reading the download failed' } satisfies ForgeErrorBody),
      }),
    );
    return () => stop();
  });
}
