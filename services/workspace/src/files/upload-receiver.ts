// Receives an upload stream (docs/compatibility.md#files-and-git /files/upload, §5.13): each file is written to a temp
// file beside its target while being hashed, and only when the whole request has arrived intact
// (sizes within limits, checksums matching) are the temp files renamed into place. Any failure or
// a cancelled call removes every temp file, so a bad upload changes nothing on disk.
import { Inject, Injectable } from '@nestjs/common';
import { createHash, type Hash } from 'node:crypto';
import type { WriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, join } from 'node:path';
import type { ServerReadableStream } from '@grpc/grpc-js';
import { CONFIG, forgeError, GrpcStatus, tempSiblingName, type ForgeConfig, type ServiceErrorCode } from '@pi-forge/runtime';
import type { UploadedFile, UploadFilesRequest, UploadFilesResponse } from '@pi-forge/proto/workspace';
import { assertName, pathNotAllowed, type GuardedPath } from '../paths/path-guard.js';
import { fsError } from '../paths/fs-errors.js';
import type { ProjectFs } from '../paths/project-fs.js';
import { ProjectFiles } from './project-files.js';

interface StagedFile {
  target: GuardedPath;
  temp: GuardedPath;
  size: number;
  hash: Hash;
  expectedSha256: string;
  out: WriteStream;
  sha256?: string;
}

const tooLarge = (code: ServiceErrorCode, message: string) => forgeError(GrpcStatus.RESOURCE_EXHAUSTED, code, message);

@Injectable()
export class UploadReceiver {
  constructor(
    private readonly files: ProjectFiles,
    @Inject(CONFIG) private readonly config: ForgeConfig,
  ) {}

  async receive(call: ServerReadableStream<UploadFilesRequest, UploadFilesResponse>): Promise<UploadFilesResponse> {
    const staged: StagedFile[] = [];
    let current: StagedFile | undefined;
    let fs: ProjectFs | undefined;
    let parent: GuardedPath | undefined;
    let overwrite = false;
    let total = 0;
    // A cancelled call (client gone) must end the loop below so the temp files get removed.
    const onCancel = () => call.destroy(new Error('upload cancelled'));
    call.once('cancelled', onCancel);
    try {
      for await (const msg of call as AsyncIterable<UploadFilesRequest>) {
        if (msg.start) {
          if (fs) throw badStream('start sent twice');
          fs = await this.files.fs(msg.start.projectId);
          parent = await fs.resolve(msg.start.parentPath);
          const info = await fs.stat(parent).catch((err) => {
            throw fsError(err);
          });
          if (!info.isDirectory()) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'not_a_directory', 'parentPath is not a directory');
          overwrite = msg.start.overwrite;
        } else if (msg.file) {
          if (!fs || !parent) throw badStream('file before start');
          if (current) throw badStream('file before the previous one ended');
          if (staged.length >= this.config.UPLOAD_MAX_FILES)
            throw tooLarge('too_many_files', `more than ${this.config.UPLOAD_MAX_FILES} files`);
          const target = await this.targetOf(fs, parent, msg.file.relativePath);
          const name = basename(target.entry);
          const existing = await fs.lstatIfAny(target);
          if (existing && (!overwrite || existing.isDirectory()))
            throw forgeError(GrpcStatus.ALREADY_EXISTS, 'target_exists', `${name} already exists`);
          if (staged.some((f) => f.target.entry === target.entry))
            throw forgeError(GrpcStatus.ALREADY_EXISTS, 'target_exists', `${name} appears twice in the upload`);
          const expected = (msg.file.sha256 ?? '').toLowerCase();
          if (expected && !/^[0-9a-f]{64}$/.test(expected))
            throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_checksum', 'sha256 must be 64 hex characters');
          // Nested targets may not have their folder yet: stage those in the upload folder itself.
          const folder = fs.parent(target);
          const tempName = tempSiblingName(name, 'upload.tmp');
          const temp = (await fs.statIfAny(folder))?.isDirectory() ? fs.sibling(target, tempName) : await fs.child(parent, tempName);
          const out = fs.newFileStream(temp);
          await once(out, 'open');
          await fs.created(temp);
          current = { target, temp, size: 0, hash: createHash('sha256'), expectedSha256: expected, out };
          staged.push(current);
        } else if (msg.chunk) {
          if (!current) throw badStream('chunk outside a file');
          current.size += msg.chunk.length;
          total += msg.chunk.length;
          if (current.size > this.config.UPLOAD_MAX_FILE_BYTES)
            throw tooLarge('file_too_large', `${basename(current.target.entry)}: more than ${this.config.UPLOAD_MAX_FILE_BYTES} bytes`);
          if (total > this.config.UPLOAD_MAX_TOTAL_BYTES)
            throw tooLarge('aggregate_too_large', `upload exceeds ${this.config.UPLOAD_MAX_TOTAL_BYTES} bytes in total`);
          current.hash.update(msg.chunk);
          // Waiting here stops reading the call, which pushes back on the gateway through HTTP/2.
          if (!current.out.write(msg.chunk)) await once(current.out, 'drain');
        } else if (msg.end) {
          if (!current) throw badStream('end outside a file');
          const file = current;
          current = undefined;
          file.out.end();
          await once(file.out, 'close');
          file.sha256 = file.hash.digest('hex');
          if (file.expectedSha256 && file.expectedSha256 !== file.sha256) {
            throw forgeError(
              GrpcStatus.FAILED_PRECONDITION,
              'checksum_mismatch',
              `${basename(file.target.entry)}: sha256 ${file.sha256} does not match the declared ${file.expectedSha256}`,
            );
          }
        }
      }
      if (!fs) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'missing_field', 'projectId and parentPath are required');
      if (current) throw badStream('the last file did not end');
      if (staged.length === 0) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'no_files', 'the upload carried no files');
      return { files: await this.commit(fs, staged, overwrite) };
    } catch (err) {
      const door = fs;
      await Promise.all(
        staged.map(async (f) => {
          f.out.destroy();
          await door?.rm(f.temp, { force: true });
        }),
      );
      throw fsError(err);
    } finally {
      call.off('cancelled', onCancel);
    }
  }

  /**
   * Renames every temp file into place. A file being overwritten is first moved aside, so if a
   * later rename fails every target is put back as it was, replaced files included.
   */
  private async commit(fs: ProjectFs, staged: StagedFile[], overwrite: boolean): Promise<UploadedFile[]> {
    const done: { file: UploadedFile; target: GuardedPath; backup?: GuardedPath }[] = [];
    try {
      for (const f of staged) {
        const name = basename(f.target.entry);
        const existing = !!(await fs.lstatIfAny(f.target));
        if (existing && !overwrite) throw forgeError(GrpcStatus.ALREADY_EXISTS, 'target_exists', `${name} already exists`);
        await fs.mkdirs(fs.parent(f.target));
        const backup = existing ? fs.sibling(f.target, tempSiblingName(name, 'upload.bak')) : undefined;
        if (backup) await fs.rename(f.target, backup);
        try {
          await fs.rename(f.temp, f.target);
        } catch (err) {
          if (backup) await fs.rename(backup, f.target).catch(() => {});
          throw err;
        }
        done.push({ file: { path: f.target.entry, size: f.size, sha256: f.sha256! }, target: f.target, backup });
      }
    } catch (err) {
      for (const d of done.reverse()) {
        await fs.rm(d.target, { force: true }).catch(() => {});
        if (d.backup) await fs.rename(d.backup, d.target).catch(() => {});
      }
      throw err;
    }
    await Promise.all(done.flatMap((d) => (d.backup ? [fs.rm(d.backup, { force: true }).catch(() => {})] : [])));
    return done.map((d) => d.file);
  }

  /** A relative upload path below the upload folder: each segment a plain name, no `..`, not absolute. */
  private async targetOf(fs: ProjectFs, parent: GuardedPath, relativePath: string): Promise<GuardedPath> {
    if (typeof relativePath !== 'string' || !relativePath || relativePath.startsWith('/'))
      throw pathNotAllowed('upload paths must be relative');
    const segments = relativePath.split('/').filter((s) => s !== '');
    if (segments.length === 0) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'missing_filename', 'a file part has no name');
    for (const s of segments) {
      if (s === '..' || s === '.') throw pathNotAllowed('upload paths may not contain ..');
      assertName(s);
    }
    return fs.resolve(join(parent.real, ...segments), { allowRoot: false });
  }
}

function badStream(message: string) {
  return forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_upload', message);
}
