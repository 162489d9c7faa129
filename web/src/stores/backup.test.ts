import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useBackupStore } from './backup';

interface Call {
  url: string;
  method: string;
  body: unknown;
}

let calls: Call[];

/** A fetch that records each call and answers the import routes like the server would. */
function stubServer(answer: (url: string) => Response) {
  calls = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      calls.push({ url, method: init.method ?? 'GET', body: init.body });
      return answer(url);
    }),
  );
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const result = (over: Record<string, unknown> = {}) => ({ imported: [], skipped: [], errors: [], changes: [], dryRun: true, ...over });

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.unstubAllGlobals());

describe('backup store', () => {
  it('exports with the chosen opt-ins and reads the file name, listing and warning', async () => {
    stubServer(
      () =>
        new Response(new Blob([new Uint8Array([0x1f, 0x8b])]), {
          headers: {
            'content-disposition': 'attachment; filename="pi-forge-config-2026-01-01T00-00-00-000Z.tar.gz"',
            'x-pi-forge-files': 'settings.json,auth.json',
            'x-pi-forge-warning': 'auth.json included',
          },
        }),
    );
    const backup = useBackupStore();
    backup.include = ['auth', 'skills'];
    expect(backup.includesAuth).toBe(true);
    const archive = await backup.exportConfig();
    expect(calls[0]!.url).toBe('/api/v1/config/export?include=auth%2Cskills');
    expect(archive.filename).toBe('pi-forge-config-2026-01-01T00-00-00-000Z.tar.gz');
    expect(archive.files).toEqual(['settings.json', 'auth.json']);
    expect(archive.warning).toBe('auth.json included');
  });

  it('import is a dry run first; apply sends the same file for real and clears the preview', async () => {
    stubServer((url) =>
      url.includes('dryRun')
        ? json(result({ changes: [{ file: 'settings.json', change: 'changed' }] }))
        : json(result({ dryRun: false, imported: ['settings.json'], changes: [{ file: 'settings.json', change: 'changed' }] })),
    );
    const backup = useBackupStore();
    const file = new File([new Uint8Array([1, 2, 3])], 'backup.tar.gz');
    await backup.previewImport(file);
    expect(calls.map((c) => [c.method, c.url])).toEqual([['POST', '/api/v1/config/import?dryRun=true']]);
    expect((calls[0]!.body as FormData).get('file')).toBeInstanceOf(File);
    expect(backup.preview?.changes).toEqual([{ file: 'settings.json', change: 'changed' }]);
    expect(backup.canApply).toBe(true);
    await backup.applyImport();
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/config/import?dryRun=true', '/api/v1/config/import']);
    expect(backup.applied?.imported).toEqual(['settings.json']);
    expect([backup.preview, backup.pendingFile]).toEqual([null, null]);
  });

  it('a dry run with errors cannot be applied, and apply sends nothing', async () => {
    stubServer(() => json(result({ errors: [{ file: 'models.json', reason: 'not valid JSON' }], changes: [] })));
    const backup = useBackupStore();
    await backup.previewImport(new File(['x'], 'b.tgz'));
    expect(backup.canApply).toBe(false);
    await backup.applyImport();
    expect(calls).toHaveLength(1);
  });

  it('a refused archive leaves no pending file and rethrows the server error', async () => {
    stubServer(() => json({ error: 'invalid_archive', message: 'evil: symlink members are not allowed' }, 400));
    const backup = useBackupStore();
    await expect(backup.previewImport(new File(['x'], 'evil.tgz'))).rejects.toMatchObject({ code: 'invalid_archive' });
    expect([backup.pendingFile, backup.preview]).toEqual([null, null]);
  });

  it('a skills folder pick sends paths below the chosen folder', async () => {
    stubServer(() => json({ imported: ['review/SKILL.md'], skipped: [] }));
    const backup = useBackupStore();
    const file = new File(['# r'], 'SKILL.md');
    Object.defineProperty(file, 'webkitRelativePath', { value: 'my-skills/review/SKILL.md' });
    await backup.importSkills([file]);
    const sent = (calls[0]!.body as FormData).get('file') as File;
    expect(sent.name).toBe('review/SKILL.md');
    expect(backup.skillsResult?.imported).toEqual(['review/SKILL.md']);
  });
});
