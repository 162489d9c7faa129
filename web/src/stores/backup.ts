// Backup tab state: which opt-ins go into an export, and a two-step import: the chosen archive is
// first sent as a dry run, its list of changes shown, and only "apply" sends it for real.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  backupApi,
  type ConfigImportResult,
  type DownloadedArchive,
  type ExportOptIn,
  type SkillsImportResult,
} from '../services/backup.api';

export type { DownloadedArchive, ExportOptIn };

export const useBackupStore = defineStore('backup', () => {
  const include = ref<ExportOptIn[]>([]);
  const busy = ref(false);
  const pendingFile = ref<File | null>(null);
  const preview = ref<ConfigImportResult | null>(null);
  const applied = ref<ConfigImportResult | null>(null);
  const skillsResult = ref<SkillsImportResult | null>(null);

  const includesAuth = computed(() => include.value.includes('auth'));
  /** Apply makes sense when the dry run found no error and something to write. */
  const canApply = computed(() => !!preview.value && !preview.value.errors.length && preview.value.changes.length > 0);

  async function run<T>(fn: () => Promise<T>): Promise<T> {
    busy.value = true;
    try {
      return await fn();
    } finally {
      busy.value = false;
    }
  }

  function exportConfig(): Promise<DownloadedArchive> {
    return run(() => backupApi.exportConfig(include.value));
  }

  function exportSkills(): Promise<DownloadedArchive> {
    return run(() => backupApi.exportSkills());
  }

  async function previewImport(file: File): Promise<void> {
    applied.value = null;
    preview.value = null;
    pendingFile.value = file;
    try {
      preview.value = await run(() => backupApi.importConfig(file, true));
    } catch (err) {
      pendingFile.value = null;
      throw err;
    }
  }

  async function applyImport(): Promise<void> {
    const file = pendingFile.value;
    if (!file || !canApply.value) return;
    const result = await run(() => backupApi.importConfig(file, false));
    applied.value = result;
    preview.value = result.errors.length ? result : null;
    if (!result.errors.length) pendingFile.value = null;
  }

  function cancelImport(): void {
    pendingFile.value = null;
    preview.value = null;
  }

  async function importSkills(files: File[]): Promise<void> {
    skillsResult.value = null;
    // A folder pick names files `<chosen folder>/<path>`: its contents go into skills/, not the folder itself.
    const parts = files.map((file) => {
      const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
      return { file, name: relative ? relative.split('/').slice(1).join('/') : file.name };
    });
    skillsResult.value = await run(() => backupApi.importSkills(parts));
  }

  return {
    include,
    busy,
    pendingFile,
    preview,
    applied,
    skillsResult,
    includesAuth,
    canApply,
    exportConfig,
    exportSkills,
    previewImport,
    applyImport,
    cancelImport,
    importSkills,
  };
});
