// Config backup and restore at the gateway (docs/backup.md): the archive format lives here, the
// files do not. The agent service owns PI_CONFIG_DIR and its FORGE_DATA_DIR config files, the
// workspace service owns projects.json; each hands out and takes back plain named files over gRPC,
// validates them itself and writes atomically. An import asks both for a dry run first, and only
// when neither refuses anything does it ask them to write.
import { Injectable } from '@nestjs/common';
import { enumWords } from '@pi-forge/proto';
import { BackupFileChange, type PortableFile } from '@pi-forge/proto/agent';
import { ProjectsListChange } from '@pi-forge/proto/workspace';
import { AgentClient } from '../clients/agent.client.js';
import { WorkspaceClient } from '../clients/workspace.client.js';
import { type ArchiveFile, type ArchiveLimits, invalidArchive, readArchive } from './backup-archive.js';
import type { ExportOptIn } from './config-backup.dto.js';
import type { UploadedPart } from './backup-upload.js';

/** The contract's export set (§2.7), always included when the file exists. */
export const DEFAULT_EXPORT = [
  'mcp.json',
  'settings.json',
  'models.json',
  'skills-overrides.json',
  'tool-overrides.json',
  'theme.json',
  'quick-actions.json',
] as const;
const OPT_IN_FILE: Record<Exclude<ExportOptIn, 'skills' | 'projects'>, string> = {
  auth: 'auth.json',
  webhooks: 'webhooks.json',
  'prompts-overrides': 'prompts-overrides.json',
};
export const PROJECTS_FILE = 'projects.json';
export const WARNING_FILE = 'WARNING.txt';
export const AUTH_WARNING =
  'This archive contains auth.json: the API keys and OAuth tokens of your providers. Store it like a password; anyone who has it can use your accounts.\n';

export const CONFIG_IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const SKILLS_PART_MAX_BYTES = 50 * 1024 * 1024;
/** Inflated: room for skills in a config archive; one gRPC message (64 MiB) holds it all. */
export const CONFIG_ARCHIVE_LIMITS: ArchiveLimits = { maxTotalBytes: 50 * 1024 * 1024, maxMemberBytes: 16 * 1024 * 1024, maxMembers: 5000 };
export const SKILLS_ARCHIVE_LIMITS: ArchiveLimits = { maxTotalBytes: 50 * 1024 * 1024, maxMemberBytes: 50 * 1024 * 1024, maxMembers: 5000 };

const AGENT_CHANGE = enumWords(BackupFileChange, 'BACKUP_FILE_CHANGE_');
const PROJECTS_CHANGE = enumWords(ProjectsListChange, 'PROJECTS_LIST_CHANGE_');

export type FileChangeWord = 'added' | 'changed' | 'unchanged';

export interface ConfigImportResult {
  imported: string[];
  skipped: string[];
  errors: { file: string; reason: string }[];
  /** Beyond the contract: what each accepted file does (or, on a dry run, would do). */
  changes: { file: string; change: FileChangeWord }[];
  dryRun: boolean;
}

export interface ConfigExport {
  files: ArchiveFile[];
  /** Names for X-Pi-Forge-Files: top-level files, and `skills/` once when skills are in. */
  listed: string[];
  authIncluded: boolean;
}

@Injectable()
export class ConfigBackupService {
  constructor(
    private readonly agent: AgentClient,
    private readonly workspace: WorkspaceClient,
  ) {}

  async exportConfig(optIns: ReadonlySet<ExportOptIn>): Promise<ConfigExport> {
    const names = [...DEFAULT_EXPORT, ...Object.entries(OPT_IN_FILE).flatMap(([k, f]) => (optIns.has(k as ExportOptIn) ? [f] : []))];
    const [{ files = [] }, projects] = await Promise.all([
      this.agent.exportConfigFiles({ names, includeSkills: optIns.has('skills') }),
      optIns.has('projects') ? this.workspace.exportProjectsList() : undefined,
    ]);
    const out: ArchiveFile[] = files.map((f) => ({ name: f.name, content: f.content, mode: f.mode }));
    if (projects?.present) out.push({ name: PROJECTS_FILE, content: projects.content, mode: projects.mode });
    const authIncluded = out.some((f) => f.name === 'auth.json');
    if (authIncluded) out.unshift({ name: WARNING_FILE, content: Buffer.from(AUTH_WARNING), mode: 0o644 });
    const listed = [...new Set(out.filter((f) => f.name !== WARNING_FILE).map((f) => (f.name.startsWith('skills/') ? 'skills/' : f.name)))];
    return { files: out, listed, authIncluded };
  }

  async importConfig(archive: Uint8Array, dryRun: boolean): Promise<ConfigImportResult> {
    const members = (await readArchive(archive, CONFIG_ARCHIVE_LIMITS)).filter((m) => m.name !== WARNING_FILE);
    const projects = members.find((m) => m.name === PROJECTS_FILE);
    const files: PortableFile[] = members.filter((m) => m !== projects).map((m) => ({ name: m.name, content: m.content, mode: m.mode }));
    const check = await this.apply(files, projects, true);
    if (dryRun) return { ...check, dryRun };
    if (check.errors.length) return { ...check, changes: [], dryRun };
    return { ...(await this.apply(files, projects, false)), dryRun };
  }

  /**
   * One pass over both services. On a dry run every change is reported; on a real run the agent writes
   * only when all its files are valid (else none), and the workspace only after the agent wrote.
   */
  private async apply(
    files: PortableFile[],
    projects: ArchiveFile | undefined,
    dryRun: boolean,
  ): Promise<Omit<ConfigImportResult, 'dryRun'>> {
    const result = await this.agent.importConfigFiles({ files, dryRun });
    const errors = (result.errors ?? []).map((e) => ({ file: e.name, reason: e.reason }));
    const changes = (result.outcomes ?? []).map((o) => ({ file: o.name, change: AGENT_CHANGE.toWord(o.change) as FileChangeWord }));
    if (projects && (dryRun || !errors.length)) {
      const p = await this.workspace.importProjectsList({ content: projects.content, dryRun });
      if (p.error) errors.push({ file: PROJECTS_FILE, reason: p.error });
      else changes.push({ file: PROJECTS_FILE, change: PROJECTS_CHANGE.toWord(p.change) as FileChangeWord });
    }
    return { imported: dryRun ? [] : changes.map((c) => c.file), skipped: (result.skipped ?? []).map((s) => s.name), errors, changes };
  }

  async exportSkills(): Promise<ArchiveFile[]> {
    return ((await this.agent.exportSkills()).files ?? []).map((f) => ({ name: f.name, content: f.content, mode: f.mode }));
  }

  /** One .tar.gz/.tgz part is an archive (refused whole when hostile); otherwise each part is one file. */
  async importSkills(parts: readonly UploadedPart[]): Promise<{ imported: string[]; skipped: { name: string; reason: string }[] }> {
    let files: PortableFile[];
    if (parts.length === 1 && /\.(tar\.gz|tgz)$/i.test(parts[0].filename)) {
      files = (await readArchive(parts[0].data, SKILLS_ARCHIVE_LIMITS)).map((m) => ({ name: m.name, content: m.content, mode: m.mode }));
      if (!files.length) throw invalidArchive('the archive holds no files');
    } else {
      files = parts.map((p) => ({ name: p.filename, content: p.data, mode: 0o644 }));
    }
    const { imported = [], skipped = [] } = await this.agent.importSkills({ files });
    return { imported, skipped: skipped.map((s) => ({ name: s.name, reason: s.reason })) };
  }
}
