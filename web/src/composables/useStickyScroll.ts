// Keeps a scroll container pinned to the bottom while content streams in, but lets go as soon as
// the user scrolls up to read, and takes hold again when they come back to the bottom.
import { nextTick, onBeforeUnmount, ref, watch, type Ref, type WatchSource } from 'vue';

export const STICK_THRESHOLD_PX = 48;

export function isNearBottom(
  el: { scrollTop: number; scrollHeight: number; clientHeight: number },
  threshold = STICK_THRESHOLD_PX,
): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight <= threshold;
}

export function useStickyScroll(container: Ref<HTMLElement | null | undefined>, content: WatchSource<unknown>) {
  const stuck = ref(true);

  const onScroll = () => {
    if (container.value) stuck.value = isNearBottom(container.value);
  };

  watch(
    container,
    (el, old) => {
      old?.removeEventListener('scroll', onScroll);
      el?.addEventListener('scroll', onScroll, { passive: true });
    },
    { immediate: true },
  );
  onBeforeUnmount(() => container.value?.removeEventListener('scroll', onScroll));

  function scrollToBottom(): void {
    const el = container.value;
    if (el) el.scrollTop = el.scrollHeight;
    stuck.value = true;
  }

  watch(
    content,
    async () => {
      if (!stuck.value) return;
      await nextTick();
      const el = container.value;
      if (el) el.scrollTop = el.scrollHeight;
    },
    { deep: true, flush: 'post' },
  );

  return { stuck, scrollToBottom };
}
