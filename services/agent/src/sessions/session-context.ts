// GET /sessions/:id/context (docs/compatibility.md#sessions): per-turn token and cost usage of the assistant
// messages, totals, and how full the context window is.
interface Usage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  totalTokens?: number;
  cost?: { total?: number };
}
interface AssistantLike {
  role: string;
  usage?: Usage;
  model?: string;
  provider?: string;
  timestamp?: number;
  stopReason?: string;
}

export function sessionContext(
  messages: readonly unknown[],
  contextUsage: { tokens: number | null; contextWindow: number; percent: number | null } | undefined,
) {
  const turns = (messages as AssistantLike[])
    .filter((m) => m.role === 'assistant' && m.usage)
    .map((m, index) => {
      const u = m.usage!;
      const inputTokens = u.input ?? 0;
      const outputTokens = u.output ?? 0;
      const cacheReadTokens = u.cacheRead ?? 0;
      const cacheWriteTokens = u.cacheWrite ?? 0;
      return {
        index,
        inputTokens,
        outputTokens,
        cacheReadTokens,
        cacheWriteTokens,
        totalTokens: u.totalTokens ?? inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens,
        cost: u.cost?.total ?? 0,
        model: m.model ?? 'unknown',
        provider: m.provider ?? 'unknown',
        timestamp: m.timestamp ?? 0,
        ...(m.stopReason ? { stopReason: m.stopReason } : {}),
      };
    });
  const sum = (k: 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'totalTokens' | 'cost') =>
    turns.reduce((a, t) => a + t[k], 0);
  return {
    messages,
    totalInputTokens: sum('inputTokens'),
    totalOutputTokens: sum('outputTokens'),
    totalCacheReadTokens: sum('cacheReadTokens'),
    totalCacheWriteTokens: sum('cacheWriteTokens'),
    totalTokens: sum('totalTokens'),
    totalCost: sum('cost'),
    turns,
    contextUsage: {
      contextWindow: contextUsage?.contextWindow ?? 0,
      ...(contextUsage?.tokens != null ? { tokens: contextUsage.tokens } : {}),
      ...(contextUsage?.percent != null ? { percent: contextUsage.percent } : {}),
    },
  };
}
