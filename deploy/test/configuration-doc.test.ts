// docs/configuration.md is generated from the config table; this fails as soon as they drift.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CONFIG_OPTIONS, type OptionSpec } from '@pi-forge/runtime';
import { REPO_ROOT } from '@pi-forge/test-fixtures';
import { renderConfigurationDoc, describeDefault } from '../src/configuration-doc.js';
import { repoFile } from './manifests.js';

describe('docs/configuration.md', () => {
  it('matches the config table (regenerate with `npm run docs:config -w deploy`)', () => {
    const onDisk = repoFile('docs/configuration.md');
    const expected = renderConfigurationDoc();
    if (onDisk !== expected) {
      const a = onDisk.split('\n');
      const b = expected.split('\n');
      const i = a.findIndex((line, n) => line !== b[n]);
      assert.fail(
        `docs/configuration.md is out of date at line ${i + 1}:\n  doc:   ${a[i]}\n  table: ${b[i]}\nRun: npm run docs:config -w deploy`,
      );
    }
  });

  it('names every variable and flag of the table, and --help agrees', () => {
    const doc = repoFile('docs/configuration.md');
    const help = spawnSync(process.execPath, [join(REPO_ROOT, 'launcher/dist/src/main.js'), '--help'], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(help.status, 0);
    for (const o of CONFIG_OPTIONS) {
      assert.ok(doc.includes(`| \`${o.env}\` |`), `${o.env} row`);
      assert.ok(doc.includes(`\`--${o.flag}`), `--${o.flag}`);
      assert.ok(help.stdout.includes(`--${o.flag}`) && help.stdout.includes(o.env), `--help lists ${o.env}`);
    }
  });

  it('would notice a new row (the check can fail)', () => {
    const extra: OptionSpec = {
      env: 'BRAND_NEW_SETTING',
      flag: 'brand-new-setting',
      type: 'bool',
      category: 'Features',
      default: 'false',
      help: 'x',
    };
    assert.notEqual(renderConfigurationDoc([...CONFIG_OPTIONS, extra]), renderConfigurationDoc());
  });

  it("shows derived defaults as formulas, not this machine's paths", () => {
    const byEnv = (env: string) => CONFIG_OPTIONS.find((o) => o.env === env) as OptionSpec;
    assert.equal(describeDefault(byEnv('WORKSPACE_PATH')), '~/.pi-forge/workspace');
    assert.equal(describeDefault(byEnv('SESSION_DIR')), '$WORKSPACE_PATH/.pi/sessions');
    assert.equal(describeDefault(byEnv('AGENT_GRPC_URL')), 'unix://$FORGE_RUNTIME_DIR/agent.sock');
    assert.equal(describeDefault(byEnv('FORGE_RUNTIME_DIR')), '$TMPDIR/pi-forge-<uid>-<hash of FORGE_DATA_DIR>');
    assert.ok(!repoFile('docs/configuration.md').includes(REPO_ROOT), 'no local paths');
  });
});
