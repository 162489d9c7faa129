// Session names: "New session (N)" for new ones and a short deterministic title from the first
// prompt (docs/compatibility.md#sessions): code fences ignored, @path reduced to its basename, leading filler
// dropped, words kept until a stop-word once there is enough to name the topic, title-cased,
// at most 8 words and 60 characters.
const GENERIC = /^New session( \(\d+\))?$/;
const FILLER = new Set([
  'please',
  'pls',
  'can',
  'could',
  'would',
  'will',
  'you',
  'hey',
  'hi',
  'hello',
  'i',
  'want',
  'wanna',
  'need',
  'to',
  'help',
  'me',
  'lets',
  "let's",
  'us',
  'we',
  'kindly',
  'ok',
  'okay',
  'so',
]);
const STOP = new Set([
  'a',
  'an',
  'the',
  'for',
  'of',
  'in',
  'on',
  'at',
  'to',
  'with',
  'and',
  'or',
  'but',
  'from',
  'by',
  'into',
  'that',
  'this',
  'is',
  'are',
  'be',
  'it',
  'as',
  'so',
]);

export function isGenericName(name: string | undefined): boolean {
  return !name || GENERIC.test(name);
}

export function nextNewSessionName(taken: Iterable<string | undefined>): string {
  const used = new Set(taken);
  if (!used.has('New session')) return 'New session';
  for (let n = 2; ; n++) if (!used.has(`New session (${n})`)) return `New session (${n})`;
}

export function titleFromPrompt(text: string): string | undefined {
  const plain = text
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(
      /@"([^"]+)"|@(\S+)/g,
      (_m, quoted: string | undefined, bare: string | undefined) => (quoted ?? bare ?? '').split('/').filter(Boolean).pop() ?? '',
    );
  const words = plain
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}._-]+$/gu, ''))
    .filter(Boolean);
  let i = 0;
  while (i < words.length && FILLER.has(words[i]!.toLowerCase())) i++;
  const picked: string[] = [];
  for (; i < words.length && picked.length < 8; i++) {
    const w = words[i]!;
    if (STOP.has(w.toLowerCase())) {
      if (picked.length >= 3) break;
      continue;
    }
    picked.push(w[0]!.toUpperCase() + w.slice(1));
  }
  let title = picked.join(' ');
  while (title.length > 60 && picked.length > 1) title = (picked.pop(), picked.join(' '));
  title = title.slice(0, 60);
  return title || undefined;
}
