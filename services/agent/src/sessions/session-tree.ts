// Read-only views of a session file: the entry tree (docs/compatibility.md#sessions) and the compaction history (S10).
import type { SessionEntry, SessionManager } from '../sdk/pi-sdk.js';
import { textOf } from './session-events.js';

export interface TreeEntry {
  id: string;
  parentId: string | null;
  type: string;
  timestamp: string;
  role?: string;
  preview?: string;
  label?: string;
}

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

/**
 * Compaction history (docs/compatibility.md#sessions): for each compaction on the active branch, the messages it
 * took out of the context (those between the previous cut and its first kept entry) and where its
 * summary sits in the current message list.
 */
export function compactionHistory(sm: SessionManager, messages: readonly unknown[]) {
  const branch = sm.getBranch();
  const summaryIndex = messages.findIndex((m) => (m as { role: string }).role === 'compactionSummary');
  const out: {
    id: string;
    timestamp: string;
    summary: string;
    tokensBefore: number;
    insertBeforeIndex: number;
    archivedMessages: unknown[];
  }[] = [];
  let from = 0;
  for (const entry of branch) {
    if (entry.type !== 'compaction') continue;
    const c = entry as unknown as { id: string; timestamp: string; summary: string; tokensBefore: number; firstKeptEntryId: string };
    const cut = branch.findIndex((e) => e.id === c.firstKeptEntryId);
    const end = cut >= 0 ? cut : branch.indexOf(entry);
    const archivedMessages = branch
      .slice(from, end)
      .filter((e) => e.type === 'message')
      .map((e) => (e as unknown as { message: unknown }).message);
    out.push({
      id: c.id,
      timestamp: c.timestamp,
      summary: c.summary,
      tokensBefore: c.tokensBefore ?? 0,
      insertBeforeIndex: Math.max(0, summaryIndex),
      archivedMessages,
    });
    from = Math.max(from, end);
  }
  return out;
}
