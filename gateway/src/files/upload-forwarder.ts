// POST /files/upload: reads the multipart body part by part and forwards each file's bytes to the
// workspace service's UploadFiles client stream as they arrive. Nothing is buffered beyond the
// stream windows: when the gRPC call cannot take more, we stop reading the request, so TCP
// pushes back on the browser. Limits, checksums and the atomic rename live in the service.
import { BadRequestException, HttpException } from '@nestjs/common';
import { once } from 'node:events';
import type { FastifyRequest } from 'fastify';
import type { UploadFilesRequest, UploadFilesResponse } from '@pi-forge/proto/workspace';
import type { UploadCall, WorkspaceClient } from '../clients/workspace.client.js';

interface MultipartPart {
  type: 'file' | 'field';
  fieldname: string;
  value?: unknown;
  valueTruncated?: boolean;
  filename?: string;
  file?: AsyncIterable<Buffer> & { resume(): void; truncated?: boolean };
}

type MultipartRequest = FastifyRequest & {
  isMultipart(): boolean;
  parts(options?: { limits?: Record<string, number> }): AsyncIterable<MultipartPart>;
};

const badRequest = (error: string, message: string) => new BadRequestException({ error, message });

/**
 * Text fields are buffered (they are small: ids, paths, checksums), so they are capped: one field at
 * 64 KiB, all of them together at 4 MiB, room for 512 files with 4096-byte paths and checksums.
 */
export const MAX_FIELD_BYTES = 64 * 1024;
export const MAX_TOTAL_FIELD_BYTES = 4 * 1024 * 1024;
const fieldsTooLarge = () =>
  new HttpException(
    {
      error: 'fields_too_large',
      message: `form fields may hold at most ${MAX_FIELD_BYTES} bytes each and ${MAX_TOTAL_FIELD_BYTES} bytes together`,
    },
    413,
  );

async function send(call: UploadCall, msg: UploadFilesRequest): Promise<void> {
  if (call.stream.write(msg)) return;
  // Either the service drains, or it has already answered (an error) and we stop.
  await Promise.race([once(call.stream, 'drain'), call.result]);
}

export async function forwardUpload(workspace: WorkspaceClient, request: FastifyRequest): Promise<UploadFilesResponse> {
  const req = request as MultipartRequest;
  if (typeof req.isMultipart !== 'function' || !req.isMultipart()) {
    throw new HttpException({ error: 'expected_multipart', message: 'the body must be multipart/form-data' }, 415);
  }
  const fields = new Map<string, string>();
  let call: UploadCall | undefined;
  let ordinal = 0;
  let failed: unknown;
  let fieldBytes = 0;
  try {
    // The service enforces the per-file, aggregate and count limits; these only stop absurd input.
    for await (const part of req.parts({
      limits: { fileSize: Number.MAX_SAFE_INTEGER, files: 100_000, fields: 1032, fieldSize: MAX_FIELD_BYTES },
    })) {
      if (part.type === 'field') {
        const value = String(part.value ?? '');
        fieldBytes += Buffer.byteLength(part.fieldname) + Buffer.byteLength(value);
        if (part.valueTruncated || fieldBytes > MAX_TOTAL_FIELD_BYTES) throw fieldsTooLarge();
        fields.set(part.fieldname, value);
        continue;
      }
      const file = part.file!;
      const projectId = fields.get('projectId');
      const parentPath = fields.get('parentPath');
      if (!projectId || !parentPath) throw badRequest('missing_field', 'projectId and parentPath must come before the first file');
      if (!part.filename) throw badRequest('missing_filename', 'a file part has no filename');
      if (!call) {
        call = workspace.uploadFiles();
        const active = call;
        active.result.catch((err: unknown) => {
          failed = err;
        });
        const overwrite = fields.get('overwrite');
        await send(active, { start: { projectId, parentPath, overwrite: overwrite === '1' || overwrite === 'true' } });
      }
      const index = /^file:(\d+)$/.exec(part.fieldname)?.[1] ?? String(ordinal);
      ordinal++;
      const relativePath = fields.get(`path:${index}`) ?? part.filename;
      const sha256 = fields.get(`sha256:${index}`) ?? fields.get(`sha256:${part.filename}`) ?? '';
      await send(call, { file: { relativePath, sha256 } });
      for await (const chunk of file) {
        if (failed) break;
        await send(call, { chunk });
      }
      if (failed) break;
      await send(call, { end: {} });
    }
    if (!call) {
      if (!fields.get('projectId') || !fields.get('parentPath')) throw badRequest('missing_field', 'projectId and parentPath are required');
      throw badRequest('no_files', 'the upload carried no files');
    }
    call.stream.end();
    return await call.result;
  } catch (err) {
    // The service's own answer wins over a local symptom of it (a write after it hung up).
    call?.stream.cancel();
    if (failed) throw failed;
    throw err;
  }
}
