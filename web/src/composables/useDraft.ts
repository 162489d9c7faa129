// The composer's text for a session, saved as it is typed, so a reload, a reconnect or a failed
// send never loses it.
import { ref, watch, type Ref } from 'vue';
import { KEYS } from '../services/storage-keys';

export function useDraft(sessionId: Ref<string | null>) {
  const text = ref(sessionId.value ? (localStorage.getItem(KEYS.draft(sessionId.value)) ?? '') : '');

  watch(sessionId, (id, old) => {
    const stored = id ? (localStorage.getItem(KEYS.draft(id)) ?? '') : '';
    // Typed before any session existed (the first prompt creates one): keep it for the new session.
    text.value = old === null && !stored ? text.value : stored;
  });

  watch(text, (t) => {
    const id = sessionId.value;
    if (!id) return;
    if (t) localStorage.setItem(KEYS.draft(id), t);
    else localStorage.removeItem(KEYS.draft(id));
  });

  /** Takes the text for sending; `restore` puts it back if the send fails. */
  function take(): { value: string; restore: () => void } {
    const value = text.value;
    text.value = '';
    return { value, restore: () => (text.value = value + (text.value ? `\n${text.value}` : '')) };
  }

  return { text, take };
}
