import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick, ref } from 'vue';
import { useDraft } from './useDraft';

beforeEach(() => localStorage.clear());

describe('useDraft', () => {
  it('saves what is typed per session and brings it back', async () => {
    const id = ref<string | null>('s1');
    const d = useDraft(id);
    d.text.value = 'half a thought';
    await nextTick();
    id.value = 's2';
    await nextTick();
    expect(d.text.value).toBe('');
    id.value = 's1';
    await nextTick();
    expect(d.text.value).toBe('half a thought');
    expect(useDraft(ref('s1')).text.value).toBe('half a thought'); // after a reload
  });

  it('keeps text typed before the session existed when the new session opens', async () => {
    const id = ref<string | null>(null);
    const d = useDraft(id);
    d.text.value = 'typed while the session was being created';
    id.value = 's-new';
    await nextTick();
    expect(d.text.value).toBe('typed while the session was being created');
    await nextTick();
    expect(localStorage.getItem('pi-forge/draft/s-new')).toBe('typed while the session was being created');
  });

  it('puts the text back when a send fails, keeping anything typed since', async () => {
    const d = useDraft(ref('s1'));
    d.text.value = 'first';
    const taken = d.take();
    expect(taken.value).toBe('first');
    expect(d.text.value).toBe('');
    d.text.value = 'second';
    taken.restore();
    expect(d.text.value).toBe('first\nsecond');
  });
});
