// Log watches (docs/compatibility.md#processes): regular expressions the agent asks to be woken for
// when a line of a process's output matches. The patterns come from the model, so they are checked
// before use: they must compile, stay short, and not have the nested-quantifier shapes that make
// JavaScript's backtracking engine take exponential time (`(a+)+`, `(.*)*`, `(a|aa)+`); lines are
// cut to a bounded length before matching, which bounds the polynomial cases too.

export type WatchStream = 'stdout' | 'stderr' | 'both';

export interface LogWatchSpec {
  pattern: string;
  stream?: WatchStream;
  repeat?: boolean;
}

export interface LogWatch {
  index: number;
  pattern: string;
  stream: WatchStream;
  repeat: boolean;
}

export interface WatchMatch {
  source: 'stdout' | 'stderr';
  line: string;
  watch: LogWatch;
}

export const MAX_WATCHES = 10;
export const MAX_PATTERN_LENGTH = 256;
/** Only this much of a line is matched against the watches. */
export const MATCH_LINE_CHARS = 4096;

/** A quantified group that itself contains a quantifier or an alternation: `( …+… )*`, `( …|… ){2,}`. */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[+*}]|\|)(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/;
/** Back-references make matching exponential regardless of shape. */
const BACK_REFERENCE = /\\[1-9]|\\k</;

/** Why the watches are refused, or undefined when they are fine. */
export function logWatchProblem(specs: unknown): string | undefined {
  if (specs === undefined) return undefined;
  if (!Array.isArray(specs)) return 'logWatches must be an array';
  if (specs.length > MAX_WATCHES) return `at most ${MAX_WATCHES} log watches per process`;
  for (const [i, spec] of specs.entries()) {
    const s = spec as Partial<LogWatchSpec> | null;
    if (!s || typeof s.pattern !== 'string' || s.pattern.length === 0) return `logWatches[${i}].pattern must be a non-empty string`;
    if (s.pattern.length > MAX_PATTERN_LENGTH) return `logWatches[${i}].pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
    if (s.stream !== undefined && !['stdout', 'stderr', 'both'].includes(s.stream))
      return `logWatches[${i}].stream must be stdout, stderr or both`;
    try {
      new RegExp(s.pattern);
    } catch (err) {
      return `logWatches[${i}].pattern is not a valid regular expression: ${(err as Error).message}`;
    }
    if (NESTED_QUANTIFIER.test(s.pattern) || BACK_REFERENCE.test(s.pattern))
      return `logWatches[${i}].pattern could take exponential time (nested quantifiers or back-references); simplify it`;
  }
  return undefined;
}

/** The watches of one process; each non-repeating watch fires once. Call logWatchProblem first. */
export class LogWatcher {
  readonly watches: LogWatch[];
  private readonly compiled: RegExp[];
  private readonly spent = new Set<number>();

  constructor(specs: readonly LogWatchSpec[] = []) {
    this.watches = specs.map((s, index) => ({ index, pattern: s.pattern, stream: s.stream ?? 'both', repeat: s.repeat ?? false }));
    this.compiled = this.watches.map((w) => new RegExp(w.pattern));
  }

  /** The watches one complete line fires (at most one match per watch and line). */
  match(source: 'stdout' | 'stderr', line: string): WatchMatch[] {
    const out: WatchMatch[] = [];
    if (this.watches.length === 0) return out;
    const text = line.length > MATCH_LINE_CHARS ? line.slice(0, MATCH_LINE_CHARS) : line;
    for (const watch of this.watches) {
      if (this.spent.has(watch.index) || (watch.stream !== 'both' && watch.stream !== source)) continue;
      if (!this.compiled[watch.index]!.test(text)) continue;
      if (!watch.repeat) this.spent.add(watch.index);
      out.push({ source, line: text, watch });
    }
    return out;
  }
}
