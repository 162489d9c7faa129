import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import type { ForgeConfig } from '@pi-forge/runtime';
import { ProjectSessionFolders } from './project-session-folders.js';

describe('ProjectSessionFolders', () => {
  const config = { SESSION_DIR: '/data/sessions' } as ForgeConfig;
  const make = (remove: (p: string) => Promise<void>) =>
    new ProjectSessionFolders(config, { warn: () => undefined } as unknown as Logger, remove);

  it('removes SESSION_DIR/<id> for a safe id', async () => {
    const removed: string[] = [];
    assert.equal(
      await make(async (p) => {
        removed.push(p);
      }).removeFor('2f1c0f9e-1b7a-4d1e-9d55-0c4e6a0b9a11'),
      true,
    );
    assert.deepEqual(removed, ['/data/sessions/2f1c0f9e-1b7a-4d1e-9d55-0c4e6a0b9a11']);
  });

  it('never removes anything for ids that could leave SESSION_DIR or name it', async () => {
    const removed: string[] = [];
    const folders = make(async (p) => {
      removed.push(p);
    });
    for (const id of ['', '.', '..', '../x', 'a/b', '.hidden', '/etc', 'a\0b', 'x y']) assert.equal(await folders.removeFor(id), false, id);
    assert.deepEqual(removed, []);
  });

  it('reports false when the removal fails', async () => {
    assert.equal(
      await make(async () => {
        throw Object.assign(new Error('busy'), { code: 'EBUSY' });
      }).removeFor('abc'),
      false,
    );
  });
});
