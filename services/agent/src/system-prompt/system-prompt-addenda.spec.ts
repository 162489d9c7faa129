import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import type { ForgeConfig } from '@pi-forge/runtime';
import { SECRET_HYGIENE_RULE, SystemPromptAddenda } from './system-prompt-addenda.js';

const warnings: unknown[] = [];
const silent = { warn: (o: unknown) => void warnings.push(o) } as unknown as Logger;
const config = (hygiene: boolean) => ({ AGENT_SECRET_HYGIENE_RULE: hygiene }) as unknown as ForgeConfig;

describe('SystemPromptAddenda', () => {
  it('appends the hygiene rule (when on) before the project addendum, trimmed', async () => {
    const asked: string[] = [];
    const addenda = new SystemPromptAddenda(config(true), silent, {
      addendum: async (id) => (asked.push(id), '  Always answer in French.\n'),
    });
    assert.deepEqual(await addenda.forProject('p1'), [SECRET_HYGIENE_RULE, 'Always answer in French.']);
    assert.deepEqual(asked, ['p1']);
  });

  it('adds nothing for a blank addendum with the rule off', async () => {
    const addenda = new SystemPromptAddenda(config(false), silent, { addendum: async () => '   ' });
    assert.deepEqual(await addenda.forProject('p1'), []);
  });

  it('builds without the addendum when the workspace cannot answer', async () => {
    const addenda = new SystemPromptAddenda(config(true), silent, { addendum: () => Promise.reject(new Error('unavailable')) });
    assert.deepEqual(await addenda.forProject('p1'), [SECRET_HYGIENE_RULE]);
    assert.equal(warnings.length, 1);
  });
});
