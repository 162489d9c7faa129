// The global on/off state of skills and prompt templates lives in the SDK's own settings.json
// pattern lists (`skills`, `prompts`; contract §6.4): `!name` or `-name` turns a name off, `+name`
// forces it on. The SDK matches those patterns against file paths (so `!review` misses
// `prompts/review.md`); pi-forge reads the name entries itself, strips them from what the SDK sees
// and filters the loaded resources by name instead. Path and glob patterns stay the SDK's business.

/** A pattern that names one resource: a sign, then a name without path separators or globs. */
const NAME_TOGGLE = /^([!+-])([^/\\*?[\]{}!+\s][^/\\*?[\]{}\s]*)$/;

function parse(pattern: unknown): { sign: '!' | '+' | '-'; name: string } | undefined {
  if (typeof pattern !== 'string') return undefined;
  const m = NAME_TOGGLE.exec(pattern);
  return m ? { sign: m[1] as '!' | '+' | '-', name: m[2]! } : undefined;
}

function list(patterns: unknown): unknown[] {
  return Array.isArray(patterns) ? (patterns as unknown[]) : [];
}

/** The names the list turns off globally (`-name` beats `+name` beats `!name`, as in the SDK). */
export function disabledNames(patterns: unknown): Set<string> {
  const excluded = new Set<string>();
  const forcedOn = new Set<string>();
  const forcedOff = new Set<string>();
  for (const p of list(patterns)) {
    const t = parse(p);
    if (!t) continue;
    (t.sign === '!' ? excluded : t.sign === '+' ? forcedOn : forcedOff).add(t.name);
  }
  return new Set([...forcedOff, ...[...excluded].filter((n) => !forcedOn.has(n))]);
}

/** The list with `name` switched: its name entries dropped, then `!name` appended when off. */
export function withNameToggled(patterns: unknown, name: string, enabled: boolean): unknown[] {
  const kept = list(patterns).filter((p) => parse(p)?.name !== name);
  return enabled ? kept : [...kept, `!${name}`];
}

/** What the SDK should see: the list without the name entries pi-forge applies itself. */
export function withoutNameToggles<T>(patterns: T[] | undefined): T[] | undefined {
  return patterns?.filter((p) => !parse(p));
}
