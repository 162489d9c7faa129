// Cross-session search (docs/compatibility.md#sessions): a case-insensitive substring search over the JSONL files of
// the given projects, in user and assistant text and tool-call arguments (not tool results or
// thinking). Files are read newest first and the scan stops at a time budget.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SearchMatch {
  messageIndex: number;
  messageEnvelopeId?: string;
  kind: 'user' | 'assistant' | 'tool_call';
  snippet: string;
  matchOffset: number;
  matchLength: number;
}
export interface SearchResult {
  sessionId: string;
  projectId: string;
  sessionName?: string;
  modifiedAt: string;
  matches: SearchMatch[];
}

const CONTEXT = 60;

function snippetOf(text: string, at: number, length: number): { snippet: string; matchOffset: number } {
  const start = Math.max(0, at - CONTEXT);
  const end = Math.min(text.length, at + length + CONTEXT);
  return { snippet: text.slice(start, end), matchOffset: at - start };
}

interface Entry {
  type: string;
  id?: string;
  name?: string;
  message?: { role: string; content?: unknown };
}

function searchable(message: NonNullable<Entry['message']>): { kind: SearchMatch['kind']; text: string }[] {
  const content = message.content;
  if (message.role === 'user') {
    const text =
      typeof content === 'string'
        ? content
        : Array.isArray(content)
          ? content
              .filter((c) => c?.type === 'text')
              .map((c) => c.text as string)
              .join('')
          : '';
    return [{ kind: 'user', text }];
  }
  if (message.role !== 'assistant' || !Array.isArray(content)) return [];
  const out: { kind: SearchMatch['kind']; text: string }[] = [];
  for (const part of content as { type: string; text?: string; arguments?: unknown }[]) {
    if (part.type === 'text' && part.text) out.push({ kind: 'assistant', text: part.text });
    if (part.type === 'toolCall') out.push({ kind: 'tool_call', text: JSON.stringify(part.arguments ?? {}) });
  }
  return out;
}

async function searchFile(path: string, needle: string, max: number): Promise<{ matches: SearchMatch[]; id?: string; name?: string }> {
  const matches: SearchMatch[] = [];
  let id: string | undefined;
  let name: string | undefined;
  let messageIndex = -1;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    let entry: Entry & { type: string };
    try {
      entry = JSON.parse(line) as Entry;
    } catch {
      continue; // a torn last line after a crash
    }
    if (entry.type === 'session') id = entry.id;
    if (entry.type === 'session_info') name = entry.name || undefined;
    if (entry.type !== 'message' || !entry.message) continue;
    messageIndex++;
    if (matches.length >= max) continue;
    for (const { kind, text } of searchable(entry.message)) {
      const at = text.toLowerCase().indexOf(needle);
      if (at < 0) continue;
      matches.push({
        messageIndex,
        ...(entry.id ? { messageEnvelopeId: entry.id } : {}),
        kind,
        ...snippetOf(text, at, needle.length),
        matchLength: needle.length,
      });
      if (matches.length >= max) break;
    }
  }
  return { matches, id, name };
}

export async function searchSessions(
  sessionDir: string,
  projectIds: string[],
  query: string,
  sessionLimit: number,
  matchesPerSession: number,
  budgetMs = 2_000,
): Promise<{ results: SearchResult[]; truncated: boolean }> {
  const deadline = Date.now() + budgetMs;
  const needle = query.toLowerCase();
  const files: { path: string; projectId: string; mtime: Date }[] = [];
  for (const projectId of projectIds) {
    const dir = join(sessionDir, projectId);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.jsonl')) continue;
      const info = await stat(join(dir, name)).catch(() => undefined);
      if (info?.isFile()) files.push({ path: join(dir, name), projectId, mtime: info.mtime });
    }
  }
  files.sort((a, b) => b.mtime.getTime() - a.mtime.getTime());
  const results: SearchResult[] = [];
  let truncated = false;
  for (const file of files) {
    if (Date.now() > deadline) {
      truncated = true;
      break;
    }
    const found = await searchFile(file.path, needle, matchesPerSession);
    if (found.matches.length === 0 || !found.id) continue;
    if (results.length >= sessionLimit) {
      truncated = true;
      break;
    }
    results.push({
      sessionId: found.id,
      projectId: file.projectId,
      ...(found.name ? { sessionName: found.name } : {}),
      modifiedAt: file.mtime.toISOString(),
      matches: found.matches,
    });
  }
  return { results, truncated };
}
