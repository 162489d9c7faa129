// Conversation export (docs/compatibility.md#sessions). JSONL is the session file byte for byte; markdown is
// a readable transcript. Sub-agent children are inlined after the tool result of the parent tool
// call that produced them, between `subagent_inline_start` / `subagent_inline_end` markers; a
// child whose tool call cannot be found (the parent never mentions it) is appended at the end.

import { textOf } from './session-events.js';

/** Tool results longer than this are cut in markdown, with a note saying so. */
export const MARKDOWN_RESULT_LIMIT = 2_000;

export interface ExportChild {
  sessionId: string;
  name?: string;
  /** The session file's text, exactly as on disk. */
  jsonl: string;
  /** Where the child lives and its folder below the parent's (`<runId>/run-N` for pi-subagents). */
  path?: string;
  runId?: string;
}

export interface ExportSource {
  sessionId: string;
  title: string;
  projectId: string;
  projectName: string;
  /** `provider/modelId` of the last answer, else of the session. */
  model?: string;
  /** The session file's text, exactly as on disk. */
  jsonl: string;
  /** The entries of the active branch (a live session knows its leaf); else the file's last entry is the leaf. */
  branch?: readonly object[];
  children: ExportChild[];
}

interface Entry {
  type?: string;
  id?: string;
  parentId?: string | null;
  message?: Message;
}
interface Message {
  role?: string;
  content?: unknown;
  toolName?: string;
  toolCallId?: string;
  details?: unknown;
  command?: string;
  output?: string;
  provider?: string;
  model?: string;
}

/** Lines of a JSONL text, each with its own line ending, so joining them gives the text back. */
function rawLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function parse(line: string): Entry | undefined {
  try {
    return JSON.parse(line) as Entry;
  } catch {
    return undefined;
  }
}

/** Does a tool result name this child: its id, its file, or (pi-subagents) its run id in `details.runId`? */
function names(m: Message, text: string, child: ExportChild): boolean {
  if (text.includes(child.sessionId) || (child.path && text.includes(child.path))) return true;
  const run = (m.details as { runId?: unknown } | undefined)?.runId;
  return typeof run === 'string' && run.length > 0 && child.runId?.split('/')[0] === run;
}

/** For each child, the id of the parent's tool call whose result names it (file, id or run). */
export function linkChildren(parentJsonl: string, children: readonly ExportChild[]): Map<string, string> {
  const links = new Map<string, string>();
  for (const line of rawLines(parentJsonl)) {
    const m = parse(line)?.message;
    if (m?.role !== 'toolResult' || !m.toolCallId) continue;
    const text = JSON.stringify([m.details, m.content]);
    for (const child of children) if (!links.has(child.sessionId) && names(m, text, child)) links.set(child.sessionId, m.toolCallId);
  }
  return links;
}

function marker(kind: 'start' | 'end', child: ExportChild, parentToolCallId: string | undefined, parentSessionId: string): string {
  return `${JSON.stringify({ type: `subagent_inline_${kind}`, sessionId: child.sessionId, parentSessionId, parentToolCallId: parentToolCallId ?? null, ...(kind === 'start' && child.name ? { name: child.name } : {}) })}\n`;
}

/** Where each child goes: after the line of its tool result, or (unlinked) after everything. */
function placement(source: ExportSource): { lines: string[]; after: Map<number, ExportChild[]>; links: Map<string, string> } {
  const lines = rawLines(source.jsonl);
  const links = linkChildren(source.jsonl, source.children);
  const after = new Map<number, ExportChild[]>();
  const put = (i: number, c: ExportChild) => after.set(i, [...(after.get(i) ?? []), c]);
  for (const child of source.children) {
    const toolCallId = links.get(child.sessionId);
    const at = toolCallId
      ? lines.findIndex((l) => {
          const m = parse(l)?.message;
          return m?.role === 'toolResult' && m.toolCallId === toolCallId;
        })
      : -1;
    put(at >= 0 ? at : lines.length - 1, child);
  }
  return { lines, after, links };
}

export function exportJsonl(source: ExportSource): string {
  if (source.children.length === 0) return source.jsonl;
  const { lines, after, links } = placement(source);
  const out: string[] = [];
  lines.forEach((line, i) => {
    out.push(line.endsWith('\n') ? line : `${line}\n`);
    for (const child of after.get(i) ?? []) {
      const body = child.jsonl.endsWith('\n') || !child.jsonl ? child.jsonl : `${child.jsonl}\n`;
      out.push(
        marker('start', child, links.get(child.sessionId), source.sessionId),
        body,
        marker('end', child, links.get(child.sessionId), source.sessionId),
      );
    }
  });
  return out.join('');
}

/** A fence longer than any backtick run in the text, so content can never close it. */
function fence(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function block(text: string, lang = ''): string {
  const f = fence(text);
  return `${f}${lang}\n${text}\n${f}`;
}

function truncated(text: string): string[] {
  if (text.length <= MARKDOWN_RESULT_LIMIT) return [block(text)];
  return [
    block(text.slice(0, MARKDOWN_RESULT_LIMIT)),
    '',
    `*Output truncated: showing the first ${MARKDOWN_RESULT_LIMIT} of ${text.length} characters; the JSONL export has it all.*`,
  ];
}

/** The entries of the session's current branch (leaf = the last entry), in order. */
export function activeBranch(jsonl: string): Entry[] {
  const entries = rawLines(jsonl)
    .map(parse)
    .filter((e): e is Entry => !!e && e.type !== 'session' && typeof e.id === 'string');
  const byId = new Map(entries.map((e) => [e.id!, e]));
  const branch: Entry[] = [];
  for (let e = entries.at(-1); e; e = e.parentId ? byId.get(e.parentId) : undefined) branch.unshift(e);
  return branch;
}

function transcript(entries: readonly Entry[], level: number, childrenAfter: (toolCallId: string) => string[]): string[] {
  const h = (n: number) => '#'.repeat(Math.min(6, level + n));
  const parts: string[] = [];
  for (const entry of entries) {
    const m = entry.message;
    if (entry.type !== 'message' || !m) continue;
    if (m.role === 'user') parts.push(`${h(0)} User`, '', textOf(m.content), '');
    else if (m.role === 'assistant') {
      parts.push(`${h(0)} Assistant`, '');
      for (const c of Array.isArray(m.content) ? m.content : []) {
        const part = c as { type: string; text?: string; name?: string; arguments?: unknown };
        if (part.type === 'text' && part.text) parts.push(part.text, '');
        if (part.type === 'toolCall')
          parts.push(`${h(1)} Tool call: \`${part.name}\``, '', block(JSON.stringify(part.arguments, null, 2), 'json'), '');
      }
    } else if (m.role === 'toolResult') {
      parts.push(`${h(1)} Tool result: \`${m.toolName ?? 'tool'}\``, '', ...truncated(textOf(m.content)), '');
      if (m.toolCallId) parts.push(...childrenAfter(m.toolCallId));
    } else if (m.role === 'bashExecution') parts.push(`${h(1)} $ ${m.command ?? ''}`, '', ...truncated(m.output ?? ''), '');
  }
  return parts;
}

/** `provider/model` of the newest assistant message in a JSONL, if any. */
export function lastModel(jsonl: string): string | undefined {
  const m = activeBranch(jsonl)
    .map((e) => e.message)
    .reverse()
    .find((x) => x?.role === 'assistant' && x.provider && x.model);
  return m ? `${m.provider}/${m.model}` : undefined;
}

export function exportMarkdown(source: ExportSource): string {
  const links = linkChildren(source.jsonl, source.children);
  const rendered = new Set<string>();
  const childBlock = (child: ExportChild): string[] => {
    rendered.add(child.sessionId);
    const toolCallId = links.get(child.sessionId);
    const attrs = `sessionId=${child.sessionId} parentToolCallId=${toolCallId ?? 'none'}`;
    return [
      `<!-- subagent_inline_start ${attrs} -->`,
      '',
      `### Sub-agent: ${child.name ?? child.sessionId}`,
      '',
      ...transcript(activeBranch(child.jsonl), 4, () => []),
      `<!-- subagent_inline_end ${attrs} -->`,
      '',
    ];
  };
  const parts = [
    `# ${source.title}`,
    '',
    `- **Project:** ${source.projectName} (\`${source.projectId}\`)`,
    `- **Model:** ${source.model ?? 'unknown'}`,
    `- **Session:** \`${source.sessionId}\``,
    '',
    ...transcript((source.branch as Entry[] | undefined) ?? activeBranch(source.jsonl), 2, (id) =>
      source.children.filter((c) => links.get(c.sessionId) === id).flatMap(childBlock),
    ),
  ];
  for (const child of source.children) if (!rendered.has(child.sessionId)) parts.push(...childBlock(child));
  return parts.join('\n');
}

/** `<slug>-<YYYY-MM-DD>.<ext>` from the session name or id (docs/compatibility.md#sessions). */
export function exportFileName(name: string | undefined, id: string, ext: string, now = new Date()): string {
  const slug =
    (name || id)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64)
      .replace(/-+$/, '') || 'session';
  return `${slug}-${now.toISOString().slice(0, 10)}.${ext}`;
}
