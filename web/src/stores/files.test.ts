import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { joinPath, useFilesStore } from './files';
import { useProjectsStore } from './projects';

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  useProjectsStore().projects = [{ id: 'p1', name: 'p', path: '/w/p', createdAt: '' }];
  useProjectsStore().activeId = 'p1';
});
afterEach(() => vi.unstubAllGlobals());

describe('files store', () => {
  it('joins project-relative paths onto the project root', () => {
    expect(joinPath('/w/p', 'src/a.ts')).toBe('/w/p/src/a.ts');
    expect(joinPath('/w/p/', '/src/a.ts')).toBe('/w/p/src/a.ts');
    expect(joinPath('/w/p', '')).toBe('/w/p');
  });

  it('refuses paths that leave the project or already exist, without asking the server', async () => {
    const fetchMock = vi.fn(async () => json({}));
    vi.stubGlobal('fetch', fetchMock);
    const files = useFilesStore();
    files.tree = { name: 'p', path: '', type: 'directory', children: [{ name: 'a.md', path: 'a.md', type: 'file' }] };
    await expect(files.create('../outside.txt')).rejects.toThrow(/inside the project/);
    await expect(files.create('  ')).rejects.toThrow(/inside the project/);
    await expect(files.create('a.md')).rejects.toThrow(/already exists/);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('creates an empty file with an absolute path, reloads the tree and opens it', async () => {
    const calls: [string, RequestInit][] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push([url, init]);
        if (url.startsWith('/api/v1/files/write')) return json({ path: '/w/p/docs/new.md' });
        if (url.startsWith('/api/v1/files/tree')) return json({ name: 'p', path: '', type: 'directory', children: [] });
        return json({ path: '/w/p/docs/new.md', content: '', size: 0, language: 'markdown', binary: false });
      }),
    );
    const files = useFilesStore();
    await files.create('docs/new.md');
    expect(JSON.parse(calls[0]![1].body as string)).toEqual({ projectId: 'p1', path: '/w/p/docs/new.md', content: '' });
    expect(calls.map(([u]) => u.split('?')[0])).toEqual(['/api/v1/files/write', '/api/v1/files/tree', '/api/v1/files/read']);
    expect(files.activePath).toBe('docs/new.md');
  });

  it('saves the edited text and marks the tab clean; keeps edits when a reload is asked', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url.startsWith('/api/v1/files/read')
          ? json({ path: '/w/p/a.md', content: 'disk', size: 4, language: 'markdown', binary: false })
          : json({ path: '/w/p/a.md' }),
      ),
    );
    const files = useFilesStore();
    await files.open('a.md');
    files.edit('a.md', 'mine');
    expect(files.dirty).toEqual(['a.md']);
    await files.refreshClean(); // the agent changed the file: a dirty tab is left alone
    expect(files.active?.content).toBe('mine');
    await files.save();
    expect(files.dirty).toEqual([]);
  });
});
