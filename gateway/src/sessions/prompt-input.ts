// Turns a prompt request (JSON or multipart) into the text and images the agent receives:
// images pass through (png/jpeg/gif/webp, at most 4); text files are inlined as fenced blocks
// whose fence no content can close; PDF/DOCX/XLSX (by extension or MIME) are converted to text in
// a worker thread (document-text.ts) and inlined the same way, counting toward the same 4 text
// files, and a document that cannot be converted is 400 conversion_failed; everything else is
// refused with 400 unsupported_attachment_type.
import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { DocumentConversionError, convertDocument, documentKind } from './document-text.js';
import { PromptDto } from './sessions.dto.js';

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_IMAGES = 4;
const MAX_TEXT_FILES = 4;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const TEXT_APP_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/javascript',
  'application/typescript',
  'application/sql',
  'application/x-sh',
  'application/toml',
  'application/x-httpd-php',
]);

export interface PromptInput {
  /** What the user typed (the agent service expands its @path references and titles from it). */
  text: string;
  /** Attached text files as fenced blocks. */
  textAttachments: string[];
  streamingBehavior: string;
  images: { mimeType: string; data: Buffer }[];
}

const bad = (error: string, message: string) => new BadRequestException({ error, message });

async function checkBody(body: unknown): Promise<PromptDto> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw bad('invalid_body', 'the body must be a JSON object with a text field');
  const dto = plainToInstance(PromptDto, body ?? {});
  const errors = await validate(dto, { whitelist: true });
  if (errors.length) {
    const message = errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ');
    throw bad(errors.some((e) => e.property === 'text' && !('text' in body)) ? 'missing_text' : 'invalid_body', message);
  }
  return dto;
}

function isTextFile(mime: string, data: Buffer): boolean {
  if (mime.startsWith('text/') || TEXT_APP_TYPES.has(mime) || /\+(json|xml|yaml)$/.test(mime)) return true;
  if (/pdf|officedocument|msword|ms-excel/.test(mime)) return false;
  return !data.subarray(0, 8192).includes(0);
}

export function fencedFile(name: string, content: string): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const safeName = name.replace(/[`\r\n]/g, '_');
  const lang = /\.([a-z0-9]+)$/i.exec(safeName)?.[1]?.toLowerCase() ?? '';
  return `${fence}${lang} file: ${safeName}\n${content}\n${fence}`;
}

export async function readPromptInput(req: FastifyRequest): Promise<PromptInput> {
  if (!req.isMultipart()) {
    const dto = await checkBody(req.body);
    return { text: dto.text, textAttachments: [], streamingBehavior: dto.streamingBehavior ?? '', images: [] };
  }
  const fields: Record<string, string> = {};
  const images: PromptInput['images'] = [];
  const texts: string[] = [];
  let parts;
  try {
    parts = req.parts({ limits: { fileSize: MAX_FILE_BYTES, files: 6, fields: 8, parts: 14 } });
  } catch {
    throw bad('invalid_body', 'the multipart body could not be read');
  }
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      const data = await part.toBuffer();
      if (part.file.truncated) throw bad('attachment_too_large', `${part.filename} is larger than 20 MB`);
      const mime = (part.mimetype || 'application/octet-stream').toLowerCase();
      const name = part.filename || 'file';
      const kind = IMAGE_TYPES.has(mime) ? null : documentKind(name, mime);
      if (IMAGE_TYPES.has(mime)) {
        if (images.length >= MAX_IMAGES) throw bad('too_many_images', `at most ${MAX_IMAGES} images per prompt`);
        images.push({ mimeType: mime, data });
      } else if (kind) {
        if (texts.length >= MAX_TEXT_FILES) throw bad('too_many_text_files', `at most ${MAX_TEXT_FILES} text files per prompt`);
        let text: string;
        try {
          text = await convertDocument(kind, data);
        } catch (err) {
          const reason = err instanceof DocumentConversionError ? err.message : 'the converter could not start';
          throw bad('conversion_failed', `${name}: the ${kind.toUpperCase()} document could not be converted to text (${reason})`);
        }
        texts.push(fencedFile(name, text));
      } else if (isTextFile(mime, data)) {
        if (texts.length >= MAX_TEXT_FILES) throw bad('too_many_text_files', `at most ${MAX_TEXT_FILES} text files per prompt`);
        texts.push(fencedFile(name, data.toString('utf8')));
      } else {
        throw bad('unsupported_attachment_type', `${part.filename}: ${mime} is not supported`);
      }
    }
  } catch (err) {
    if (err instanceof BadRequestException) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw bad('attachment_too_large', 'an attachment is larger than 20 MB');
    if (code === 'FST_FILES_LIMIT_REACHED') throw bad('too_many_files', 'too many files in one prompt');
    if (code === 'FST_PARTS_LIMIT_REACHED' || code === 'FST_FIELDS_LIMIT_REACHED')
      throw bad('too_many_parts', 'too many parts in one prompt');
    throw bad('invalid_body', 'the multipart body could not be read');
  }
  if (!fields.text) throw bad('missing_text', 'the text field is required');
  const dto = await checkBody({ text: fields.text, ...(fields.streamingBehavior ? { streamingBehavior: fields.streamingBehavior } : {}) });
  return { text: dto.text, textAttachments: texts, streamingBehavior: dto.streamingBehavior ?? '', images };
}
