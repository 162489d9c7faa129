import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { useTerminalStore } from './terminal';

beforeEach(() => {
  sessionStorage.clear();
  setActivePinia(createPinia());
});

describe('terminal store', () => {
  it('persists tabs in sessionStorage under forge.terminal.tabs.v1 and restores them after a reload', async () => {
    const t = useTerminalStore();
    const a = t.add('p1');
    const b = t.add('p1');
    t.add('p2');
    t.select(a.id);
    await nextTick();
    const saved = JSON.parse(sessionStorage.getItem('forge.terminal.tabs.v1')!);
    expect(saved.activeId).toBe(a.id);
    expect(saved.tabs.map((x: { projectId: string; label: string }) => [x.projectId, x.label])).toEqual([
      ['p1', 'Terminal 1'],
      ['p1', 'Terminal 2'],
      ['p2', 'Terminal 1'],
    ]);
    expect(a.id).not.toBe(b.id);

    setActivePinia(createPinia()); // a reload: a fresh store reads the same sessionStorage
    const again = useTerminalStore();
    expect(again.tabs.map((x) => x.id)).toEqual(saved.tabs.map((x: { id: string }) => x.id));
    expect(again.activeId).toBe(a.id);
  });

  it('moves the active tab when the active one is removed, and survives garbage in storage', async () => {
    const t = useTerminalStore();
    const a = t.add('p1');
    const b = t.add('p1');
    t.remove(b.id);
    expect(t.activeId).toBe(a.id);
    sessionStorage.setItem('forge.terminal.tabs.v1', '{not json');
    setActivePinia(createPinia());
    expect(useTerminalStore().tabs).toEqual([]);
  });
});
