// GET /sessions/:id/turn-diff (docs/compatibility.md#sessions): the files the latest run wrote or edited, as
// unified diffs. Edits carry the SDK's own patch; a write is shown as a pure addition of the
// content it wrote (the previous content is not known here).
export interface TurnDiffEntry {
  file: string;
  tool: 'write' | 'edit';
  diff: string;
  additions: number;
  deletions: number;
  isPureAddition: boolean;
}

interface ToolCall {
  type: string;
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}
interface Message {
  role: string;
  content?: unknown;
  toolCallId?: string;
  toolName?: string;
  isError?: boolean;
  details?: { patch?: string; diff?: string };
}

function count(diff: string): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) additions++;
    else if (line.startsWith('-')) deletions++;
  }
  return { additions, deletions };
}

function additionDiff(file: string, content: string): string {
  const lines = content.endsWith('\n') ? content.slice(0, -1).split('\n') : content.split('\n');
  return [`--- /dev/null`, `+++ b/${file}`, `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join('\n') + '\n';
}

/** Diff entries for the tool calls in `messages` (the latest run's slice). */
export function turnDiff(messages: readonly unknown[]): TurnDiffEntry[] {
  const list = messages as Message[];
  const results = new Map(list.filter((m) => m.role === 'toolResult').map((m) => [m.toolCallId, m]));
  const byFile = new Map<string, TurnDiffEntry>();
  for (const m of list) {
    if (m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    for (const call of m.content as ToolCall[]) {
      if (call.type !== 'toolCall' || (call.name !== 'write' && call.name !== 'edit')) continue;
      const result = results.get(call.id);
      if (!result || result.isError) continue;
      const file = String(call.arguments.path ?? call.arguments.file_path ?? '');
      if (!file) continue;
      const diff =
        call.name === 'edit'
          ? (result.details?.patch ?? result.details?.diff ?? '')
          : additionDiff(file, String(call.arguments.content ?? ''));
      if (!diff) continue;
      const { additions, deletions } = count(diff);
      const previous = byFile.get(file);
      byFile.set(
        file,
        previous
          ? {
              ...previous,
              tool: call.name,
              diff: `${previous.diff}${diff}`,
              additions: previous.additions + additions,
              deletions: previous.deletions + deletions,
              isPureAddition: previous.isPureAddition && deletions === 0,
            }
          : { file, tool: call.name, diff, additions, deletions, isPureAddition: deletions === 0 },
      );
    }
  }
  return [...byFile.values()];
}
