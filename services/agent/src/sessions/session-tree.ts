// Read-only views of a session file: the entry tree (docs/compatibility.md#sessions) and the exports (S18).
import type { SessionEntry, SessionManager } from '../sdk/pi-sdk.js';
import { textOf } from './session-events.js';

export interface TreeEntry { id: string; parentId: string | null; type: string; timestamp: string; role?: string; preview?: string; label?: string }

export function sessionTree(sm: SessionManager): { leafId: string | null; branchIds: string[]; entries: TreeEntry[] } {
  const entries = sm.getEntries().map((e: SessionEntry) => {
    const out: TreeEntry = { id: e.id, parentId: e.parentId ?? null, type: e.type, timestamp: e.timestamp };
    if (e.type === 'message') {
      const message = (e as { message: { role: string; content?: unknown } }).message;
      out.role = message.role;
      const text = textOf(message.content);
      if (text) out.preview = text.length > 200 ? `${text.slice(0, 199)}…` : text;
    }
    const label = sm.getLabel(e.id);
    if (label) out.label = label;
    return out;
  });
  return { leafId: sm.getLeafId(), branchIds: sm.getBranch().map((e) => e.id), entries };
}

export function exportJsonl(sm: SessionManager): string {
  const header = sm.getHeader();
  return [header, ...sm.getEntries()].filter(Boolean).map((e) => JSON.stringify(e)).join('\n') + '\n';
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

export function exportMarkdown(sm: SessionManager, title: string): string {
  const parts = [`# ${title}`, ''];
  for (const entry of sm.getBranch()) {
    if (entry.type !== 'message') continue;
    const m = (entry as { message: { role: string; content?: unknown; toolName?: string; command?: string; output?: string } }).message;
    if (m.role === 'user') parts.push('## User', '', textOf(m.content), '');
    else if (m.role === 'assistant') {
      parts.push('## Assistant', '');
      for (const c of Array.isArray(m.content) ? m.content : []) {
        const part = c as { type: string; text?: string; name?: string; arguments?: unknown };
        if (part.type === 'text' && part.text) parts.push(part.text, '');
        if (part.type === 'toolCall') parts.push(`**Tool call:** \`${part.name}\``, '', block(JSON.stringify(part.arguments, null, 2), 'json'), '');
      }
    } else if (m.role === 'toolResult') parts.push(`### Tool result (${m.toolName ?? 'tool'})`, '', block(textOf(m.content)), '');
    else if (m.role === 'bashExecution') parts.push(`### $ ${m.command ?? ''}`, '', block(m.output ?? ''), '');
  }
  return parts.join('\n');
}

/** `<slug>-<YYYY-MM-DD>.<ext>` from the session name or id (docs/compatibility.md#sessions). */
export function exportFileName(name: string | undefined, id: string, ext: string): string {
  const slug = (name ?? id).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'session';
  return `${slug}-${new Date().toISOString().slice(0, 10)}.${ext}`;
}

/**
 * Compaction history (docs/compatibility.md#sessions): for each compaction on the active branch, the messages it
 * took out of the context (those between the previous cut and its first kept entry) and where its
 * summary sits in the current message list.
 */
export function compactionHistory(sm: SessionManager, messages: readonly unknown[]) {
  const branch = sm.getBranch();
  const summaryIndex = messages.findIndex((m) => (m as { role: string }).role === 'compactionSummary');
  const out: { id: string; timestamp: string; summary: string; tokensBefore: number; insertBeforeIndex: number; archivedMessages: unknown[] }[] = [];
  let from = 0;
  for (const entry of branch) {
    if (entry.type !== 'compaction') continue;
    const c = entry as unknown as { id: string; timestamp: string; summary: string; tokensBefore: number; firstKeptEntryId: string };
    const cut = branch.findIndex((e) => e.id === c.firstKeptEntryId);
    const end = cut >= 0 ? cut : branch.indexOf(entry);
    const archivedMessages = branch.slice(from, end).filter((e) => e.type === 'message').map((e) => (e as unknown as { message: unknown }).message);
    out.push({ id: c.id, timestamp: c.timestamp, summary: c.summary, tokensBefore: c.tokensBefore ?? 0, insertBeforeIndex: Math.max(0, summaryIndex), archivedMessages });
    from = Math.max(from, end);
  }
  return out;
}
