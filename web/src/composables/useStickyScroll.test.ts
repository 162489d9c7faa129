import { describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick, ref } from 'vue';
import { mount } from '@vue/test-utils';
import { isNearBottom, useStickyScroll } from './useStickyScroll';

describe('isNearBottom', () => {
  it('is true within the threshold of the bottom only', () => {
    expect(isNearBottom({ scrollTop: 560, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(isNearBottom({ scrollTop: 300, scrollHeight: 1000, clientHeight: 400 })).toBe(false);
  });
});

describe('useStickyScroll', () => {
  it('follows new content while at the bottom and lets go when the user scrolls up', async () => {
    const items = ref(['a']);
    let api!: ReturnType<typeof useStickyScroll>;
    const el = {
      scrollTop: 0,
      scrollHeight: 1000,
      clientHeight: 400,
      listeners: {} as Record<string, () => void>,
      addEventListener(n: string, f: () => void) {
        this.listeners[n] = f;
      },
      removeEventListener() {},
    };
    const C = defineComponent({
      setup() {
        const box = ref(el as unknown as HTMLElement);
        api = useStickyScroll(box, () => items.value);
        return () => h('div');
      },
    });
    mount(C);
    items.value = [...items.value, 'b'];
    await nextTick();
    await nextTick();
    expect(el.scrollTop).toBe(1000);

    el.scrollTop = 100; // the user scrolls up to read
    el.listeners.scroll!();
    expect(api.stuck.value).toBe(false);
    el.scrollHeight = 1400;
    items.value = [...items.value, 'c'];
    await nextTick();
    await nextTick();
    expect(el.scrollTop).toBe(100);

    api.scrollToBottom();
    expect(el.scrollTop).toBe(1400);
    expect(api.stuck.value).toBe(true);
  });
});
