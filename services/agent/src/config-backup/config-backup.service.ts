// Config backup and restore, the agent's part (docs/backup.md): the portable files it owns in
// PI_CONFIG_DIR and FORGE_DATA_DIR, and skills/. The gateway reads and writes the tar.gz; this
// class sees plain named files. An import validates every file first and writes nothing unless
// all pass; then the files land in one staged batch (file-batch.ts) under the settings lock.
import { Inject, Injectable } from '@nestjs/common';
import { lstat, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG, forgeError, GrpcStatus, type ForgeConfig } from '@pi-forge/runtime';
import {
  BackupFileChange,
  type BackupFileOutcome,
  type BackupFileProblem,
  type ImportConfigFilesResponse,
  type ImportSkillsResponse,
  type PortableFile,
} from '@pi-forge/proto/agent';
import { ConfigFiles } from '../provider-config/config-files.js';
import { writeFilesAtomic, type BatchFile } from './file-batch.js';
import { portableFile, portableFileProblem, type PortableFileSpec } from './portable-files.js';
import { skillPathProblem, SkillsFolder } from './skills-folder.js';
import { RestoredFiles } from './restored-files.js';

export const SKILLS_PREFIX = 'skills/';

const changeOf = (current: Uint8Array | undefined, next: Uint8Array) =>
  current === undefined
    ? BackupFileChange.BACKUP_FILE_CHANGE_ADDED
    : Buffer.from(current).equals(Buffer.from(next))
      ? BackupFileChange.BACKUP_FILE_CHANGE_UNCHANGED
      : BackupFileChange.BACKUP_FILE_CHANGE_CHANGED;

async function readIfFile(path: string): Promise<{ content: Buffer; mode: number } | undefined> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined; // missing, or a link we do not follow
  return { content: await readFile(path), mode: info.mode & 0o777 };
}

@Injectable()
export class ConfigBackupService {
  readonly skills: SkillsFolder;

  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    private readonly configFiles: ConfigFiles,
    private readonly restored: RestoredFiles,
  ) {
    this.skills = new SkillsFolder(join(config.PI_CONFIG_DIR, 'skills'));
  }

  private pathOf(spec: PortableFileSpec): string {
    return join(spec.home === 'pi-config' ? this.config.PI_CONFIG_DIR : this.config.FORGE_DATA_DIR, spec.name);
  }

  async exportFiles(names: readonly string[], includeSkills: boolean): Promise<PortableFile[]> {
    const files: PortableFile[] = [];
    for (const name of names) {
      const spec = portableFile(name);
      if (!spec) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_archive', `${name} is not a portable config file`);
      const file = await readIfFile(this.pathOf(spec));
      if (file) files.push({ name, ...file });
    }
    if (includeSkills) for (const f of await this.skills.list()) files.push({ ...f, name: SKILLS_PREFIX + f.name });
    return files;
  }

  async exportSkills(): Promise<PortableFile[]> {
    const files = await this.skills.list();
    if (!files.length) throw forgeError(GrpcStatus.FAILED_PRECONDITION, 'skills_directory_empty', 'there are no files under skills/');
    return files;
  }

  /** Validates everything, then (unless dry run or any error) writes it all. */
  async importFiles(files: readonly PortableFile[], dryRun: boolean): Promise<ImportConfigFilesResponse> {
    const outcomes: BackupFileOutcome[] = [];
    const errors: BackupFileProblem[] = [];
    const skipped: BackupFileProblem[] = [];
    const batch: BatchFile[] = [];
    const skillFiles: PortableFile[] = [];
    const seen = new Set<string>();
    await this.configFiles.locked(async () => {
      for (const file of files) {
        if (seen.has(file.name)) {
          errors.push({ name: file.name, reason: 'the archive holds this name twice' });
          continue;
        }
        seen.add(file.name);
        if (file.name.startsWith(SKILLS_PREFIX)) {
          const rel = file.name.slice(SKILLS_PREFIX.length);
          const problem = skillPathProblem(rel) ?? (await this.skills.blocked(rel, false));
          if (problem) errors.push({ name: file.name, reason: problem });
          else {
            outcomes.push({ name: file.name, change: changeOf(await this.skills.current(rel), file.content) });
            skillFiles.push({ ...file, name: rel });
          }
          continue;
        }
        const spec = portableFile(file.name);
        if (!spec) {
          skipped.push({ name: file.name, reason: 'not a portable config file' });
          continue;
        }
        const problem = portableFileProblem(spec, file.content);
        if (problem) {
          errors.push({ name: file.name, reason: problem });
          continue;
        }
        const path = this.pathOf(spec);
        outcomes.push({ name: file.name, change: changeOf((await readIfFile(path))?.content, file.content) });
        batch.push({ path, content: file.content, mode: spec.mode });
      }
      if (dryRun || errors.length) return;
      for (const dir of new Set(batch.map((b) => join(b.path, '..')))) await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFilesAtomic(batch);
      if (skillFiles.length) await this.skills.write(skillFiles);
    });
    if (!dryRun && !errors.length) this.restored.notify(outcomes.map((o) => o.name));
    return { outcomes: errors.length ? [] : outcomes, errors, skipped };
  }

  /** Skills import: unsafe paths are skipped (contract), the rest written; existing files overwritten. */
  async importSkills(files: readonly PortableFile[]): Promise<ImportSkillsResponse> {
    const skipped: BackupFileProblem[] = [];
    const accepted: PortableFile[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      const problem =
        skillPathProblem(file.name) ??
        (seen.has(file.name) ? 'the same path was sent twice' : undefined) ??
        (await this.skills.blocked(file.name, false));
      if (problem) skipped.push({ name: file.name, reason: problem });
      else accepted.push(file);
      seen.add(file.name);
    }
    if (accepted.length) await this.skills.write(accepted);
    if (accepted.length) this.restored.notify(accepted.map((f) => SKILLS_PREFIX + f.name));
    return { imported: accepted.map((f) => f.name), skipped };
  }
}
