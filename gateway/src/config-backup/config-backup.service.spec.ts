import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackupFileChange, type ImportConfigFilesRequest, type ImportConfigFilesResponse } from '@pi-forge/proto/agent';
import { ProjectsListChange, type ImportProjectsListRequest, type ImportProjectsListResponse } from '@pi-forge/proto/workspace';
import type { AgentClient } from '../clients/agent.client.js';
import type { WorkspaceClient } from '../clients/workspace.client.js';
import { packArchive } from './backup-archive.js';
import { ConfigBackupService, DEFAULT_EXPORT } from './config-backup.service.js';

async function archive(files: Record<string, string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of packArchive(Object.entries(files).map(([name, text]) => ({ name, content: Buffer.from(text), mode: 0o600 }))))
    chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Fake services that record every call and answer as told. */
function fakes(agentErrors: string[] = [], projectsError = '') {
  const agentCalls: ImportConfigFilesRequest[] = [];
  const workspaceCalls: ImportProjectsListRequest[] = [];
  const agent = {
    importConfigFiles: async (req: ImportConfigFilesRequest): Promise<ImportConfigFilesResponse> => {
      agentCalls.push(req);
      const files = req.files ?? [];
      return {
        outcomes: files.map((f) => ({ name: f.name, change: BackupFileChange.BACKUP_FILE_CHANGE_ADDED })),
        errors: agentErrors.map((name) => ({ name, reason: 'bad' })),
        skipped: [],
      };
    },
    exportConfigFiles: async (req: { names: string[]; includeSkills: boolean }) => ({
      files: [
        ...req.names.filter((n) => n !== 'theme.json').map((name) => ({ name, content: Buffer.from('{}'), mode: 0o600 })),
        ...(req.includeSkills ? [{ name: 'skills/a/SKILL.md', content: Buffer.from('#'), mode: 0o644 }] : []),
      ],
    }),
  } as unknown as AgentClient;
  const workspace = {
    importProjectsList: async (req: ImportProjectsListRequest): Promise<ImportProjectsListResponse> => {
      workspaceCalls.push(req);
      return { change: ProjectsListChange.PROJECTS_LIST_CHANGE_CHANGED, error: projectsError };
    },
    exportProjectsList: async () => ({ present: true, content: Buffer.from('[]'), mode: 0o600 }),
  } as unknown as WorkspaceClient;
  return { service: new ConfigBackupService(agent, workspace), agentCalls, workspaceCalls };
}

describe('ConfigBackupService (gateway)', () => {
  it('default export: the contract set the agent has, no auth warning, projects not asked', async () => {
    const { service } = fakes();
    const out = await service.exportConfig(new Set());
    assert.deepEqual(
      out.listed,
      DEFAULT_EXPORT.filter((n) => n !== 'theme.json'),
    );
    assert.equal(out.authIncluded, false);
  });

  it('opt-ins add auth.json with WARNING.txt first, projects.json, and skills/ once in the listing', async () => {
    const { service } = fakes();
    const out = await service.exportConfig(new Set(['auth', 'projects', 'skills'] as const));
    assert.equal(out.files[0].name, 'WARNING.txt');
    assert.equal(out.authIncluded, true);
    assert.ok(out.listed.includes('auth.json') && out.listed.includes('projects.json') && out.listed.includes('skills/'));
    assert.ok(!out.listed.includes('WARNING.txt') && !out.listed.some((n) => n.startsWith('skills/a')));
  });

  it('import: a dry run of both services first, then the writes; WARNING.txt is not sent on', async () => {
    const { service, agentCalls, workspaceCalls } = fakes();
    const data = await archive({ 'WARNING.txt': 'x', 'settings.json': '{}', 'projects.json': '[]' });
    const res = await service.importConfig(data, false);
    assert.deepEqual(
      agentCalls.map((c) => c.dryRun),
      [true, false],
    );
    assert.deepEqual(
      workspaceCalls.map((c) => c.dryRun),
      [true, false],
    );
    assert.deepEqual(
      agentCalls[0].files!.map((f) => f.name),
      ['settings.json'],
    );
    assert.deepEqual(res.imported, ['settings.json', 'projects.json']);
    assert.deepEqual(res.changes, [
      { file: 'settings.json', change: 'added' },
      { file: 'projects.json', change: 'changed' },
    ]);
  });

  it('import: any error in the dry run means no write call at all', async () => {
    for (const f of [fakes(['settings.json']), fakes([], 'entry 0: bad')]) {
      const res = await f.service.importConfig(await archive({ 'settings.json': '{}', 'projects.json': '[]' }), false);
      assert.deepEqual(
        f.agentCalls.map((c) => c.dryRun),
        [true],
      );
      assert.deepEqual(
        f.workspaceCalls.map((c) => c.dryRun),
        [true],
      );
      assert.deepEqual([res.imported, res.changes], [[], []]);
      assert.equal(res.errors.length, 1);
    }
  });

  it('a dry run reports and never writes', async () => {
    const { service, agentCalls } = fakes();
    const res = await service.importConfig(await archive({ 'settings.json': '{}' }), true);
    assert.deepEqual(
      agentCalls.map((c) => c.dryRun),
      [true],
    );
    assert.deepEqual([res.dryRun, res.imported, res.changes], [true, [], [{ file: 'settings.json', change: 'added' }]]);
  });
});
