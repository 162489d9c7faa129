// Reads the deploy files the tests check: every YAML document of a folder, with its file name.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '@pi-forge/test-fixtures';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [k: string]: any;
}

export function loadManifests(folder: string): Array<{ file: string; obj: K8sObject }> {
  const dir = join(REPO_ROOT, folder);
  const out: Array<{ file: string; obj: K8sObject }> = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const obj = doc.toJS() as K8sObject | null;
      if (obj) out.push({ file, obj });
    }
  }
  return out;
}

export const repoFile = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
