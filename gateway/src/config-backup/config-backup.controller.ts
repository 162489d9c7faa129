// /config/export, /config/import, /config/skills/export, /config/skills/import (contract §2.7, C5/C6;
// docs/backup.md): validate, call the service, shape the answer. The archive is built in memory
// from the services' files before any header goes out, so a failure still answers as JSON.
import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BodyLimit } from '../common/route-options.js';
import { isTrue } from '../files/files.dto.js';
import { packArchive, type ArchiveFile } from './backup-archive.js';
import { readUploadedFiles } from './backup-upload.js';
import { ConfigExportQuery, ConfigImportQuery, type ExportOptIn } from './config-backup.dto.js';
import { CONFIG_IMPORT_MAX_BYTES, ConfigBackupService, SKILLS_ARCHIVE_LIMITS, SKILLS_PART_MAX_BYTES } from './config-backup.service.js';

/** Multipart framing around the file(s): headers, boundaries, a few small fields. */
const MULTIPART_OVERHEAD = 64 * 1024;
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

async function sendArchive(reply: FastifyReply, fileName: string, files: readonly ArchiveFile[], headers: Record<string, string>) {
  reply.type('application/gzip');
  reply.header('content-disposition', `attachment; filename="${fileName}"`);
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  await reply.send(packArchive(files));
}

@ApiTags('config')
@Controller('config')
export class ConfigBackupController {
  constructor(private readonly backup: ConfigBackupService) {}

  @Get('export')
  @ApiProduces('application/gzip')
  async exportConfig(@Query() q: ConfigExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const optIns = new Set((q.include ? q.include.split(',') : []) as ExportOptIn[]);
    const { files, listed, authIncluded } = await this.backup.exportConfig(optIns);
    await sendArchive(reply, `pi-forge-config-${stamp()}.tar.gz`, files, {
      'x-pi-forge-files': listed.join(','),
      ...(authIncluded ? { 'x-pi-forge-warning': 'auth.json included: this archive contains API keys and OAuth tokens' } : {}),
    });
  }

  @Post('import')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @BodyLimit(CONFIG_IMPORT_MAX_BYTES + MULTIPART_OVERHEAD)
  async importConfig(@Query() q: ConfigImportQuery, @Req() req: FastifyRequest) {
    const [file] = await readUploadedFiles(req, { maxBytes: CONFIG_IMPORT_MAX_BYTES, maxFiles: 1, maxTotalBytes: CONFIG_IMPORT_MAX_BYTES });
    return this.backup.importConfig(file.data, isTrue(q.dryRun));
  }

  @Get('skills/export')
  @ApiProduces('application/gzip')
  async exportSkills(@Res() reply: FastifyReply): Promise<void> {
    const files = await this.backup.exportSkills();
    await sendArchive(reply, `pi-forge-skills-${stamp()}.tar.gz`, files, { 'x-pi-forge-file-count': String(files.length) });
  }

  @Post('skills/import')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @BodyLimit(SKILLS_PART_MAX_BYTES * 2)
  async importSkills(@Req() req: FastifyRequest) {
    const parts = await readUploadedFiles(req, {
      maxBytes: SKILLS_PART_MAX_BYTES,
      maxFiles: SKILLS_ARCHIVE_LIMITS.maxMembers,
      maxTotalBytes: SKILLS_ARCHIVE_LIMITS.maxTotalBytes,
    });
    return this.backup.importSkills(parts);
  }
}
