// A reactive CSS media query (the mobile layout switches at 768 px, Tailwind's `md`).
import { onBeforeUnmount, ref } from 'vue';

export const MOBILE_QUERY = '(max-width: 767px)';

export function useMediaQuery(query: string) {
  const mql = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query) : null;
  const matches = ref(mql?.matches ?? false);
  const onChange = (e: MediaQueryListEvent) => (matches.value = e.matches);
  mql?.addEventListener('change', onChange);
  onBeforeUnmount(() => mql?.removeEventListener('change', onChange));
  return matches;
}
