// Reads the multipart body of the two import routes into memory, within their caps: /config/import
// takes one file of at most 5 MB; /config/skills/import takes one .tar.gz/.tgz or many files whose
// filenames are relative paths, each at most 50 MB. Auth ran before the body was read (auth.guard.ts).
import { BadRequestException, HttpException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

export interface UploadedPart {
  filename: string;
  data: Buffer;
}

interface MultipartPart {
  type: 'file' | 'field';
  filename?: string;
  file?: { truncated?: boolean };
  toBuffer?: () => Promise<Buffer>;
}

type MultipartRequest = FastifyRequest & {
  isMultipart?: () => boolean;
  parts(options?: Record<string, unknown>): AsyncIterable<MultipartPart>;
};

const noFile = () => new BadRequestException({ error: 'no_file', message: 'the form holds no file' });
const invalidMultipart = () => new BadRequestException({ error: 'invalid_multipart', message: 'the body must be multipart/form-data' });
const tooLarge = (maxBytes: number) =>
  new HttpException({ error: 'file_too_large', message: `a file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB` }, 413);

const tooManyFiles = (maxFiles: number) =>
  new HttpException({ error: 'too_many_files', message: `at most ${maxFiles} file${maxFiles === 1 ? '' : 's'} per request` }, 413);

/** Every file part (fields are ignored): at most `maxFiles`, each at most `maxBytes`, together at most `maxTotalBytes`. */
export async function readUploadedFiles(
  request: FastifyRequest,
  limits: { maxBytes: number; maxFiles: number; maxTotalBytes: number },
): Promise<UploadedPart[]> {
  const { maxBytes, maxFiles, maxTotalBytes } = limits;
  const req = request as MultipartRequest;
  if (typeof req.isMultipart !== 'function' || !req.isMultipart()) throw invalidMultipart();
  const files: UploadedPart[] = [];
  let total = 0;
  try {
    // preservePath: folder mode sends relative paths as filenames (busboy keeps only the basename otherwise).
    for await (const part of req.parts({
      preservePath: true,
      limits: { fileSize: maxBytes, files: maxFiles + 1, fields: 16, parts: maxFiles + 17 },
    })) {
      if (part.type !== 'file') continue;
      // busboy drops the files past its limit silently, so the limit is one more and this counts.
      if (files.length === maxFiles) throw tooManyFiles(maxFiles);
      const data = await part.toBuffer!();
      if (part.file?.truncated) throw tooLarge(maxBytes);
      total += data.length;
      if (total > maxTotalBytes)
        throw new HttpException({ error: 'archive_too_large', message: `the files together are larger than ${maxTotalBytes} bytes` }, 413);
      files.push({ filename: part.filename ?? '', data });
    }
  } catch (err) {
    if (err instanceof HttpException) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
    if (code === 'FST_FILES_LIMIT_REACHED' || code === 'FST_PARTS_LIMIT_REACHED') throw tooManyFiles(maxFiles);
    throw invalidMultipart();
  }
  if (!files.length) throw noFile();
  return files;
}
