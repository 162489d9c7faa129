// Login-page branding from the config (docs/compatibility.md#health-and-ui-config): the banner text with its literal \n/\r
// escapes decoded, and AUTH_COLOR_SCHEME as named, normalised colours (validated at start-up).
import type { ForgeConfig } from '@pi-forge/runtime';

export const COLOR_SCHEME_KEYS = [
  'pageBackground',
  'cardBackground',
  'border',
  'text',
  'mutedText',
  'buttonBackground',
  'buttonText',
  'buttonHoverBackground',
] as const;
export type AuthColorScheme = Record<(typeof COLOR_SCHEME_KEYS)[number], string>;

/** `#abc` → `#aabbcc`, lower-case. */
export function normalizeColor(color: string): string {
  const hex = color.trim().toLowerCase().slice(1);
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

export function colorScheme(config: ForgeConfig): AuthColorScheme | undefined {
  const colors = config.AUTH_COLOR_SCHEME;
  if (colors.length !== COLOR_SCHEME_KEYS.length) return undefined;
  return Object.fromEntries(COLOR_SCHEME_KEYS.map((k, i) => [k, normalizeColor(colors[i])])) as AuthColorScheme;
}

export function bannerText(config: ForgeConfig): string | undefined {
  return config.AUTH_BANNER_TEXT?.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
}
