import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpException } from '@nestjs/common';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { packArchive, readArchive, unsafeMemberName, type ArchiveLimits } from './backup-archive.js';

const LIMITS: ArchiveLimits = { maxTotalBytes: 1024 * 1024, maxMemberBytes: 64 * 1024, maxMembers: 10 };

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A tar.gz with whatever headers are given (tar-stream writes them as they are). */
async function craft(entries: (Partial<tar.Header> & { name: string; body?: Buffer })[]): Promise<Buffer> {
  const pack = tar.pack();
  const out = collect(pack as unknown as NodeJS.ReadableStream);
  for (const { body, ...header } of entries)
    await new Promise<void>((resolve, reject) =>
      pack.entry({ ...header, size: body?.length ?? 0 }, body ?? Buffer.alloc(0), (e) => (e ? reject(e) : resolve())),
    );
  pack.finalize();
  return gzipSync(await out);
}

async function refusal(data: Buffer, limits = LIMITS): Promise<{ status: number; error: string; message: string }> {
  try {
    await readArchive(data, limits);
  } catch (err) {
    assert.ok(err instanceof HttpException);
    return { status: err.getStatus(), ...(err.getResponse() as { error: string; message: string }) };
  }
  assert.fail('the archive was accepted');
}

describe('backup archive', () => {
  it('reads back what it packs: names, bytes and modes', async () => {
    const files = [
      { name: 'settings.json', content: Buffer.from('{"a":1}'), mode: 0o600 },
      { name: 'skills/x/SKILL.md', content: Buffer.from('# x'), mode: 0o644 },
      { name: 'empty.json', content: Buffer.alloc(0), mode: 0o644 },
    ];
    const data = await collect(packArchive(files));
    assert.equal(data[0], 0x1f, 'gzip magic');
    const back = await readArchive(data, LIMITS);
    assert.deepEqual(
      back.map((f) => [f.name, Buffer.from(f.content).toString(), f.mode]),
      files.map((f) => [f.name, f.content.toString(), f.mode]),
    );
  });

  it('skips folders and strips a leading ./', async () => {
    const back = await readArchive(
      await craft([
        { name: './skills/', type: 'directory' },
        { name: './skills/a.md', body: Buffer.from('a') },
      ]),
      LIMITS,
    );
    assert.deepEqual(
      back.map((f) => f.name),
      ['skills/a.md'],
    );
  });

  it('names: absolute, drive letters, .. anywhere and NUL are unsafe; ordinary names are not', () => {
    for (const bad of ['/etc/passwd', 'C:\\x', 'a/../../b', '..', 'a\\..\\b', 'a\0b', '']) assert.ok(unsafeMemberName(bad), bad);
    for (const ok of ['settings.json', 'skills/a/SKILL.md', 'a..b.json', '.hidden']) assert.equal(unsafeMemberName(ok), undefined, ok);
  });

  for (const [what, entries] of [
    ['a symlink', [{ name: 'settings.json', type: 'symlink', linkname: '/etc/passwd' }]],
    ['a hard link', [{ name: 'settings.json', type: 'link', linkname: 'models.json' }]],
    ['a block device', [{ name: 'dev', type: 'block-device' }]],
    ['a fifo', [{ name: 'pipe', type: 'fifo' }]],
    ['an absolute name', [{ name: '/abs.json', body: Buffer.from('{}') }]],
    ['a .. name', [{ name: 'skills/../../x', body: Buffer.from('{}') }]],
    [
      'a duplicate',
      [
        { name: 'a.json', body: Buffer.from('1') },
        { name: './a.json', body: Buffer.from('2') },
      ],
    ],
  ] as const) {
    it(`refuses ${what} with 400 invalid_archive`, async () => {
      const r = await refusal(await craft(entries as never));
      assert.deepEqual([r.status, r.error], [400, 'invalid_archive']);
    });
  }

  it('refuses a member over the member cap before reading it', async () => {
    const r = await refusal(await craft([{ name: 'big.json', body: Buffer.alloc(LIMITS.maxMemberBytes + 1) }]));
    assert.deepEqual([r.status, r.error], [413, 'archive_too_large']);
  });

  it('stops inflating at the total cap (a decompression bomb)', async () => {
    const bomb = await craft(Array.from({ length: 5 }, (_, i) => ({ name: `p${i}`, body: Buffer.alloc(60 * 1024) })));
    assert.ok(bomb.length < 10 * 1024, 'small on the wire');
    const r = await refusal(bomb, { ...LIMITS, maxTotalBytes: 200 * 1024 });
    assert.deepEqual([r.status, r.error], [413, 'archive_too_large']);
  });

  it('refuses more members than allowed', async () => {
    const r = await refusal(await craft(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, body: Buffer.from('x') }))));
    assert.deepEqual([r.status, r.error], [413, 'archive_too_large']);
  });

  it('refuses what is not a tar.gz', async () => {
    for (const data of [Buffer.from('nope'), gzipSync(Buffer.alloc(1024, 0x41)), Buffer.alloc(0)]) {
      const r = await refusal(data);
      assert.deepEqual([r.status, r.error], [400, 'invalid_archive']);
    }
  });
});
