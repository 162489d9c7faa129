import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { useUiStore } from './ui';

const config = (minimal: boolean) => ({
  minimal,
  workspaceRoot: '/w',
  version: '0.1.0',
  passwordAuthEnabled: false,
  ldapEnabled: false,
  orchestrationEnabled: !minimal,
});

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => vi.unstubAllGlobals());

describe('ui store', () => {
  it('MINIMAL_UI hides the git and last-turn panes, and a remembered git tab falls back to files', async () => {
    localStorage.setItem('pi-forge/right-tab', 'git');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify(config(true)), { status: 200 })),
    );
    const ui = useUiStore();
    await ui.loadConfig();
    expect(ui.minimal).toBe(true);
    expect(ui.rightTabs).toEqual(['files', 'search']);
    expect(ui.rightTab).toBe('files');
  });

  it('shows every pane without MINIMAL_UI and keeps the remembered tab', async () => {
    localStorage.setItem('pi-forge/right-tab', 'git');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify(config(false)), { status: 200 })),
    );
    const ui = useUiStore();
    await ui.loadConfig();
    expect(ui.rightTabs).toEqual(['files', 'search', 'changes', 'git', 'processes']);
    expect(ui.rightTab).toBe('git');
  });

  it('remembers and applies the theme', async () => {
    const ui = useUiStore();
    expect(ui.theme).toBe('dark');
    ui.theme = 'light';
    await nextTick();
    expect(localStorage.getItem('pi-forge/theme')).toBe('light');
    expect(document.documentElement.dataset.theme).toBe('light');
    setActivePinia(createPinia());
    expect(useUiStore().theme).toBe('light');
  });
});
