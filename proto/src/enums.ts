// Proto enums ↔ the lowercase words of the public API and the SDK. ts-proto runs with stringEnums,
// matching proto-loader's `enums: String`: a value on the wire reads as its name
// (THINKING_LEVEL_HIGH), and the word is the rest of the name in camelCase (high, followUp).
// Keeping the conversion generic means an enum value added in a .proto needs no code here.

/** Converts between one enum's values and their public words; `_UNSPECIFIED` has no word. */
export interface EnumWords<E extends string> {
  /** Every word, in declaration order (for DTO validation). */
  readonly words: readonly string[];
  /** The value for a word; `_UNSPECIFIED` for an unknown or empty word. */
  toProto(word: string | undefined): E;
  /** The word of a value; undefined for `_UNSPECIFIED` (or a value this build does not know). */
  toWord(value: E | string | undefined): string | undefined;
}

/** camelCase (followUp) for most words; snake_case (tool_call) where the public API spells it so. */
export type WordStyle = 'camelCase' | 'snake_case';

export function enumWords<E extends string>(values: Record<string, E>, prefix: string, style: WordStyle = 'camelCase'): EnumWords<E> {
  const unspecified = `${prefix}UNSPECIFIED` as E;
  const byWord = new Map<string, E>();
  const byValue = new Map<string, string>();
  for (const value of Object.values(values)) {
    if (value === unspecified || !value.startsWith(prefix)) continue;
    const lower = value.slice(prefix.length).toLowerCase();
    const word = style === 'snake_case' ? lower : lower.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    byWord.set(word, value);
    byValue.set(value, word);
  }
  return {
    words: [...byWord.keys()],
    toProto: (word) => (word !== undefined && byWord.get(word)) || unspecified,
    toWord: (value) => (value === undefined ? undefined : byValue.get(value)),
  };
}
