import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempSiblingName, writeFileAtomic } from './atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'atomic-write-'));
const mode = (f: string) => statSync(f).mode & 0o777;

describe('writeFileAtomic modes', () => {
  it('gives a new file the requested mode, or 0644 less the umask', async () => {
    await writeFileAtomic(join(dir, 'secret'), 'x', { mode: 0o600 });
    assert.equal(mode(join(dir, 'secret')), 0o600);
    const mask = process.umask();
    await writeFileAtomic(join(dir, 'plain'), 'x');
    assert.equal(mode(join(dir, 'plain')), 0o644 & ~mask);
  });

  it("keeps an existing file's mode (a user chmod survives), narrowed to the requested one", async () => {
    const f = join(dir, 'kept');
    writeFileSync(f, 'a');
    chmodSync(f, 0o755);
    await writeFileAtomic(f, 'b');
    assert.equal(mode(f), 0o755, 'no mode asked: the existing one stays');
    chmodSync(f, 0o400);
    await writeFileAtomic(f, 'c', { mode: 0o600 });
    assert.equal(mode(f), 0o400, 'a tighter mode set by hand stays');
    chmodSync(f, 0o644);
    await writeFileAtomic(f, 'd', { mode: 0o600 });
    assert.equal(mode(f), 0o600, 'a wider old file is narrowed to the secret mode');
    assert.equal(readFileSync(f, 'utf8'), 'd');
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
      'no temp file left',
    );
  });
});

describe('writeFileAtomic temp names', () => {
  it('writes a legal but long name (250 bytes): the temp name is cut to fit NAME_MAX', async () => {
    const f = join(dir, 'n'.repeat(250));
    await writeFileAtomic(f, 'long');
    assert.equal(readFileSync(f, 'utf8'), 'long');
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
      'no temp file left',
    );
  });

  it('keeps `<name>.<uuid>.<tag>` for short names and cuts long ones at a character boundary', () => {
    assert.match(tempSiblingName('notes.md'), /^notes\.md\.[0-9a-f-]{36}\.tmp$/);
    assert.match(tempSiblingName('a', 'rename', '.'), /^\.a\.[0-9a-f-]{36}\.rename$/);
    const long = tempSiblingName('é'.repeat(200), 'upload.tmp');
    assert.ok(Buffer.byteLength(long) <= 255, `${Buffer.byteLength(long)} bytes`);
    assert.match(long, /^(é)+\.[0-9a-f-]{36}\.upload\.tmp$/, 'no half character');
    assert.notEqual(tempSiblingName('x'), tempSiblingName('x'), 'unique');
  });
});
