// Parsing of `git status --porcelain=v1 -z --branch` into the contract's file list (§2.9).
import { GIT_FILE_KIND } from '@pi-forge/proto';
import type { GitFileStatus } from '@pi-forge/proto/workspace';

const CONFLICT = new Set(['DD', 'AU', 'UD', 'UA', 'DU', 'AA', 'UU']);

export function statusKind(code: string): string {
  if (code === '??') return 'untracked';
  if (code === '!!') return 'ignored';
  if (CONFLICT.has(code)) return 'conflicted';
  const letters = `${code[0]}${code[1]}`;
  if (letters.includes('R')) return 'renamed';
  if (letters.includes('C')) return 'copied';
  if (letters.includes('A')) return 'added';
  if (letters.includes('D')) return 'deleted';
  if (letters.includes('M') || letters.includes('T')) return 'modified';
  return 'unknown';
}

export function parseStatus(output: string): { branch: string; files: GitFileStatus[] } {
  const records = output.split('\0');
  let branch = '';
  const files: GitFileStatus[] = [];
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    if (!rec) continue;
    if (rec.startsWith('## ')) {
      const head = rec.slice(3);
      const unborn = /^No commits yet on (.+)$/.exec(head);
      if (unborn) branch = unborn[1];
      else if (!head.startsWith('HEAD (no branch)')) branch = head.split('...')[0].split(' ')[0];
      continue;
    }
    const code = rec.slice(0, 2);
    const path = rec.slice(3);
    const file: GitFileStatus = {
      path,
      code,
      kind: GIT_FILE_KIND.toProto(statusKind(code)),
      staged: code !== '??' && code !== '!!' && code[0] !== ' ',
      unstaged: code === '??' || (code !== '!!' && code[1] !== ' '),
      originalPath: '',
    };
    if (code[0] === 'R' || code[0] === 'C') file.originalPath = records[++i] ?? '';
    files.push(file);
  }
  return { branch, files };
}
