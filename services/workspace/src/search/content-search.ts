// Content search (docs/compatibility.md#files-and-git /files/search): ripgrep when an `rg` is on PATH, otherwise a
// Node walk that does fixed-string matching only. Both stop at the match limit and at 30 s.
import { Inject, Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { CONFIG, forgeError, GrpcStatus, type ForgeConfig } from '@pi-forge/runtime';
import { SearchEngine, type SearchFilesRequest, type SearchFilesResponse, type SearchMatch } from '@pi-forge/proto/workspace';
import { ProjectFiles } from '../files/project-files.js';
import { SKIP_DIRS } from '../files/skip-dirs.js';
import type { GuardedPath } from '../paths/path-guard.js';
import type { ProjectFs } from '../paths/project-fs.js';

const TIME_CAP_MS = 30_000;
const FILE_CAP_BYTES = 5 * 1024 * 1024;
const SNIPPET_CHARS = 500;
const NODE_MAX_DEPTH = 6;
const NODE_CONCURRENCY = 16;

export function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(':')) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** A glob as ripgrep users write it, for the fallback: `*` within a segment, `**` across, `?` one char. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function globMatches(glob: RegExp, rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  return glob.test(rel) || glob.test(base);
}

@Injectable()
export class ContentSearch {
  /** Found once at start-up; the "no rg on PATH" case is a start-up PATH without it. */
  readonly ripgrep: string | undefined;

  constructor(
    private readonly files: ProjectFiles,
    @Inject(CONFIG) config: ForgeConfig,
  ) {
    this.ripgrep = findOnPath('rg', config.inheritedEnv.PATH);
  }

  async search(req: SearchFilesRequest): Promise<SearchFilesResponse> {
    const fs = await this.files.fs(req.projectId);
    const root = await fs.rootPath();
    if (!req.query) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_query', 'q must not be empty');
    const limit = Math.min(1000, Math.max(1, req.limit || 200));
    if (this.ripgrep) return this.withRipgrep(this.ripgrep, root, req, limit);
    if (req.regex) throw forgeError(GrpcStatus.UNAVAILABLE, 'engine_unavailable', 'regex search needs ripgrep, which is not installed');
    return this.withNode(fs, req, limit);
  }

  private withRipgrep(rg: string, root: string, req: SearchFilesRequest, limit: number): Promise<SearchFilesResponse> {
    const args = ['--json', '--max-filesize', '5M', '--max-count', String(limit), '--no-config'];
    if (!req.regex) args.push('--fixed-strings');
    if (!req.caseSensitive) args.push('--ignore-case');
    if (req.includeGitignored) args.push('-uu', '--glob', '!.git');
    // Same noise folders as the tree and the fallback, even where no .gitignore lists them.
    else for (const dir of SKIP_DIRS) args.push('--glob', `!${dir}/`);
    if (req.include) args.push('--glob', req.include);
    if (req.exclude) args.push('--glob', `!${req.exclude}`);
    args.push('--', req.query, '.');
    return new Promise((resolve, reject) => {
      const child = spawn(rg, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } });
      const matches: SearchMatch[] = [];
      let truncated = false;
      let buffered = '';
      let stderr = '';
      const timer = setTimeout(() => {
        truncated = true;
        child.kill('SIGKILL');
      }, TIME_CAP_MS);
      const onLine = (line: string) => {
        if (!line) return;
        let event: { type: string; data: RgMatch };
        try {
          event = JSON.parse(line);
        } catch {
          return;
        }
        if (event.type !== 'match') return;
        if (matches.length >= limit) {
          truncated = true;
          child.kill('SIGKILL');
          return;
        }
        const d = event.data;
        const path = (d.path.text ?? '').replace(/^\.\//, '');
        const text = d.lines.text ?? '';
        const bytes = Buffer.from(text, 'utf8');
        for (const sm of d.submatches) {
          if (matches.length >= limit) {
            truncated = true;
            child.kill('SIGKILL');
            return;
          }
          const column = bytes.subarray(0, sm.start).toString('utf8').length + 1;
          const length = bytes.subarray(sm.start, sm.end).toString('utf8').length;
          matches.push({ path, line: d.line_number, column, length, lineSnippet: text.replace(/\r?\n$/, '').slice(0, SNIPPET_CHARS) });
        }
      };
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      });
      child.stderr.on('data', (b: Buffer) => {
        if (stderr.length < 2000) stderr += b.toString('utf8');
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        onLine(buffered);
        if (code === 2 && matches.length === 0 && !truncated) {
          return reject(
            forgeError(
              GrpcStatus.INVALID_ARGUMENT,
              'invalid_query',
              stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500) || 'ripgrep rejected the query',
            ),
          );
        }
        resolve({ engine: SearchEngine.SEARCH_ENGINE_RIPGREP, truncated, matches });
      });
    });
  }

  private async withNode(fs: ProjectFs, req: SearchFilesRequest, limit: number): Promise<SearchFilesResponse> {
    const deadline = Date.now() + TIME_CAP_MS;
    const include = req.include ? globToRegExp(req.include) : undefined;
    const exclude = req.exclude ? globToRegExp(req.exclude) : undefined;
    const needle = req.caseSensitive ? req.query : req.query.toLowerCase();
    const matches: SearchMatch[] = [];
    let truncated = false;
    const queue: GuardedPath[] = [];
    const collect = async (dir: GuardedPath, depth: number): Promise<void> => {
      if (depth > NODE_MAX_DEPTH) return;
      const entries = await fs.readdir(dir).catch(() => []);
      for (const e of entries) {
        if (e.isDirectory()) {
          if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
          await collect(await fs.child(dir, e.name, e), depth + 1);
        } else if (e.isFile()) {
          const full = await fs.child(dir, e.name, e);
          const rel = full.relative;
          if (include && !globMatches(include, rel)) continue;
          if (exclude && globMatches(exclude, rel)) continue;
          queue.push(full);
        }
      }
    };
    await collect(await fs.root(), 0);
    const searchFile = async (file: GuardedPath) => {
      if (matches.length >= limit || Date.now() > deadline) {
        truncated = true;
        return;
      }
      const info = await fs.statIfAny(file);
      if (!info || info.size > FILE_CAP_BYTES) return;
      const handle = await fs.openRead(file).catch(() => undefined);
      if (!handle) return;
      let data: Buffer;
      try {
        data = await handle.readFile();
      } finally {
        await handle.close();
      }
      if (data.subarray(0, 8000).includes(0)) return;
      const rel = file.relative;
      const lines = data.toString('utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i].replace(/\r$/, '');
        const hay = req.caseSensitive ? line : line.toLowerCase();
        let from = 0;
        for (;;) {
          const at = hay.indexOf(needle, from);
          if (at === -1) break;
          if (matches.length >= limit) {
            truncated = true;
            return;
          }
          matches.push({ path: rel, line: i + 1, column: at + 1, length: req.query.length, lineSnippet: line.slice(0, SNIPPET_CHARS) });
          from = at + Math.max(1, needle.length);
        }
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: NODE_CONCURRENCY }, async () => {
        while (next < queue.length) await searchFile(queue[next++]);
      }),
    );
    matches.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column));
    return { engine: SearchEngine.SEARCH_ENGINE_NODE, truncated, matches: matches.slice(0, limit) };
  }
}

interface RgMatch {
  path: { text?: string };
  lines: { text?: string };
  line_number: number;
  submatches: { start: number; end: number }[];
}
