// Config backup and restore (docs/backup.md): the archive downloads and the two multipart imports.
import { request } from './http';

export const EXPORT_OPT_INS = ['auth', 'projects', 'webhooks', 'skills', 'prompts-overrides'] as const;
export type ExportOptIn = (typeof EXPORT_OPT_INS)[number];

export type FileChange = 'added' | 'changed' | 'unchanged';

export interface ConfigImportResult {
  imported: string[];
  skipped: string[];
  errors: { file: string; reason: string }[];
  changes: { file: string; change: FileChange }[];
  dryRun: boolean;
}

export interface SkillsImportResult {
  imported: string[];
  skipped: { name: string; reason: string }[];
}

export interface DownloadedArchive {
  blob: Blob;
  filename: string;
  /** X-Pi-Forge-Files (or, for skills, the file count). */
  files: string[];
  warning: string | null;
}

async function download(path: string, query: Record<string, string | undefined>, fallback: string): Promise<DownloadedArchive> {
  const res = await request<Response>(path, { query, raw: true });
  const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallback;
  const listed = res.headers.get('x-pi-forge-files');
  return {
    blob: await res.blob(),
    filename,
    files: listed ? listed.split(',').filter(Boolean) : [],
    warning: res.headers.get('x-pi-forge-warning'),
  };
}

function form(files: { file: Blob; name: string }[]): FormData {
  const body = new FormData();
  for (const f of files) body.append('file', f.file, f.name);
  return body;
}

export const backupApi = {
  exportConfig: (include: readonly ExportOptIn[]) =>
    download('/config/export', { include: include.length ? include.join(',') : undefined }, 'pi-forge-config.tar.gz'),
  importConfig: (file: File, dryRun: boolean) =>
    request<ConfigImportResult>('/config/import', {
      method: 'POST',
      body: form([{ file, name: file.name }]),
      query: { dryRun: dryRun || undefined },
    }),
  exportSkills: () => download('/config/skills/export', {}, 'pi-forge-skills.tar.gz'),
  /** One archive, or many files named by their path under skills/. */
  importSkills: (files: { file: Blob; name: string }[]) =>
    request<SkillsImportResult>('/config/skills/import', { method: 'POST', body: form(files) }),
};
