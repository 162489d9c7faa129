// Files end to end (docs/compatibility.md#files-and-git): tree, read, write, mkdir/rename/move/delete, upload with
// checksums and limits (small limits here so 413s are cheap), download of files and folders.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, waitFor, type Stack } from '@pi-forge/test-fixtures';
import { createProject, expectError, fingerprint, jsonOf, type ProjectBody } from './files-support.js';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

interface Tree {
  name: string;
  path: string;
  type: string;
  children?: Tree[];
  truncated?: boolean;
}

describe('files', () => {
  let stack: Stack;
  let p: ProjectBody;
  let outside: string;
  const q = (params: Record<string, string>) => new URLSearchParams({ projectId: p.id, ...params }).toString();

  before(async () => {
    stack = await startStack({
      name: 'files',
      env: {
        API_KEY: 'test-key-files',
        UPLOAD_MAX_FILE_BYTES: String(1024 * 1024),
        UPLOAD_MAX_TOTAL_BYTES: String(1536 * 1024),
        UPLOAD_MAX_FILES: '4',
        RATE_LIMIT_UPLOAD_MAX: '1000',
        RATE_LIMIT_SEARCH_MAX: '2',
      },
    });
    p = await createProject(stack, 'proj');
    outside = mkdtempSync(join(tmpdir(), 'pi-forge-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    mkdirSync(join(p.path, 'src', 'deep'), { recursive: true });
    symlinkSync(join(p.path, 'src'), join(p.path, 'src', 'deep', 'back-to-src'));
    mkdirSync(join(p.path, 'node_modules', 'pkg'), { recursive: true });
    mkdirSync(join(p.path, '.git'), { recursive: true });
    writeFileSync(join(p.path, 'src', 'main.ts'), 'export const x = 1;\n');
    writeFileSync(join(p.path, 'src', 'deep', 'a.py'), 'print(1)\n');
    writeFileSync(join(p.path, 'README.md'), '# hi\n');
    writeFileSync(join(p.path, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(p.path, 'node_modules', 'pkg', 'index.js'), '');
    writeFileSync(join(p.path, 'blob.bin'), Buffer.from([1, 2, 0, 3]));
    symlinkSync(join(p.path, 'src'), join(p.path, 'src-link'));
    symlinkSync(outside, join(p.path, 'out-link'));
  });
  after(async () => {
    await stack?.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  it('lists the tree: dirs first, noise skipped, in-root links as their target, escaping links omitted', async () => {
    const tree = await jsonOf<Tree>(await stack.api(`/api/v1/files/tree?${q({})}`));
    assert.equal(tree.path, '');
    assert.equal(tree.type, 'directory');
    const names = tree.children!.map((c) => `${c.type[0]}:${c.name}`);
    assert.deepEqual(names, ['d:src', 'd:src-link', 'f:blob.bin', 'f:Dockerfile', 'f:README.md']);
    const src = tree.children![0];
    assert.deepEqual(
      src.children!.map((c) => c.path),
      ['src/deep', 'src/main.ts'],
    );
    // The in-project link to src is listed like a folder with src's contents under its own path.
    assert.deepEqual(
      tree.children![1].children!.map((c) => c.path),
      ['src-link/deep', 'src-link/main.ts'],
    );
    // A link back to an ancestor is listed but not entered (no loop).
    const loop = src.children![0].children!.find((c) => c.name === 'back-to-src')!;
    assert.deepEqual(loop, { name: 'back-to-src', path: 'src/deep/back-to-src', type: 'directory', children: [], truncated: true });
    assert.equal(src.children![1].children, undefined, 'files carry no children');
    const shallow = await jsonOf<Tree>(await stack.api(`/api/v1/files/tree?${q({ maxDepth: '1' })}`));
    assert.equal(shallow.children![0].truncated, true);
    assert.deepEqual(shallow.children![0].children, []);
    await expectError(await stack.api(`/api/v1/files/tree?projectId=nope`), 404, 'project_not_found');
    await expectError(await stack.api(`/api/v1/files/tree?${q({ maxDepth: '-1' })}`), 400, 'validation_failed');
  });

  it('reads text with language, flags binary, caps at 5 MB', async () => {
    const r = await jsonOf(await stack.api(`/api/v1/files/read?${q({ path: join(p.path, 'src', 'main.ts') })}`));
    assert.deepEqual(r, {
      path: join(p.path, 'src', 'main.ts'),
      content: 'export const x = 1;\n',
      size: 20,
      language: 'typescript',
      binary: false,
    });
    assert.equal((await jsonOf(await stack.api(`/api/v1/files/read?${q({ path: join(p.path, 'Dockerfile') })}`))).language, 'dockerfile');
    const bin = await jsonOf(await stack.api(`/api/v1/files/read?${q({ path: join(p.path, 'blob.bin') })}`));
    assert.equal(bin.binary, true);
    assert.equal(bin.content, '');
    writeFileSync(join(p.path, 'big.txt'), Buffer.alloc(5 * 1024 * 1024 + 1, 97));
    await expectError(await stack.api(`/api/v1/files/read?${q({ path: join(p.path, 'big.txt') })}`), 413, 'file_too_large');
    rmSync(join(p.path, 'big.txt'));
    await expectError(await stack.api(`/api/v1/files/read?${q({ path: join(p.path, 'src') })}`), 400, 'not_a_file');
    await expectError(await stack.api(`/api/v1/files/read?${q({ path: join(p.path, 'nope.txt') })}`), 404, 'not_found');
    await expectError(await stack.api(`/api/v1/files/read?projectId=${p.id}`), 400, 'validation_failed');
  });

  it('writes atomically, creating parents; refuses a folder target', async () => {
    const target = join(p.path, 'new', 'dir', 'note.txt');
    const res = await stack.api('/api/v1/files/write', { method: 'PUT', json: { projectId: p.id, path: target, content: 'héllo\n' } });
    assert.deepEqual(await jsonOf(res), { path: target });
    assert.equal(readFileSync(target, 'utf8'), 'héllo\n');
    await stack.api('/api/v1/files/write', { method: 'PUT', json: { projectId: p.id, path: target, content: 'second' } });
    assert.equal(readFileSync(target, 'utf8'), 'second');
    assert.deepEqual(readdirSync(join(p.path, 'new', 'dir')), ['note.txt'], 'no temp file left behind');
    await expectError(
      await stack.api('/api/v1/files/write', { method: 'PUT', json: { projectId: p.id, path: join(p.path, 'src'), content: 'x' } }),
      400,
      'not_a_file',
    );
    await expectError(
      await stack.api('/api/v1/files/write', { method: 'PUT', json: { projectId: p.id, path: target } }),
      400,
      'validation_failed',
    );
  });

  it('saves a legal but long file name (250 bytes): the temp file beside it still fits NAME_MAX', async () => {
    const folder = join(p.path, 'long-name');
    const target = join(folder, 'n'.repeat(250));
    const res = await stack.api('/api/v1/files/write', { method: 'PUT', json: { projectId: p.id, path: target, content: 'long' } });
    assert.deepEqual(await jsonOf(res), { path: target });
    assert.equal(readFileSync(target, 'utf8'), 'long');
    await stack.api('/api/v1/files/write', { method: 'PUT', json: { projectId: p.id, path: target, content: 'again' } });
    assert.equal(readFileSync(target, 'utf8'), 'again');
    assert.deepEqual(readdirSync(folder), ['n'.repeat(250)], 'no temp file left behind');
  });

  it('mkdir, rename (also case-only), move and delete with their conflicts', async () => {
    const post = (route: string, json: Record<string, unknown>) =>
      stack.api(`/api/v1/files/${route}`, { method: 'POST', json: { projectId: p.id, ...json } });
    assert.deepEqual(await jsonOf(await post('mkdir', { parentPath: p.path, name: 'box' })), { path: join(p.path, 'box') });
    await expectError(await post('mkdir', { parentPath: p.path, name: 'box' }), 409, 'target_exists');
    for (const name of ['', '.', '..', 'a/b', 'a\\b'])
      await expectError(await post('mkdir', { parentPath: p.path, name }), 400, 'invalid_name');
    writeFileSync(join(p.path, 'box', 'f.txt'), 'f');
    assert.deepEqual(await jsonOf(await post('rename', { path: join(p.path, 'box', 'f.txt'), name: 'g.txt' })), {
      path: join(p.path, 'box', 'g.txt'),
    });
    assert.deepEqual(await jsonOf(await post('rename', { path: join(p.path, 'box', 'g.txt'), name: 'G.txt' })), {
      path: join(p.path, 'box', 'G.txt'),
    });
    assert.deepEqual(readdirSync(join(p.path, 'box')), ['G.txt']);
    writeFileSync(join(p.path, 'box', 'other.txt'), 'o');
    await expectError(await post('rename', { path: join(p.path, 'box', 'other.txt'), name: 'G.txt' }), 409, 'target_exists');
    await expectError(await post('rename', { path: join(p.path, 'box', 'other.txt'), name: '../x' }), 400, 'invalid_name');
    mkdirSync(join(p.path, 'dest'));
    assert.deepEqual(await jsonOf(await post('move', { src: join(p.path, 'box', 'other.txt'), dest: join(p.path, 'dest', 'moved.txt') })), {
      path: join(p.path, 'dest', 'moved.txt'),
    });
    await expectError(await post('move', { src: join(p.path, 'box'), dest: join(p.path, 'box', 'inner') }), 400, 'invalid_name');
    await expectError(
      await post('move', { src: join(p.path, 'box', 'G.txt'), dest: join(p.path, 'dest', 'moved.txt') }),
      409,
      'target_exists',
    );
    await expectError(await post('move', { src: join(p.path, 'box', 'missing'), dest: join(p.path, 'dest', 'x') }), 404, 'not_found');
    const del = (path: string, recursive?: string) =>
      stack.api(`/api/v1/files/delete?${q({ path, ...(recursive ? { recursive } : {}) })}`, { method: 'DELETE' });
    await expectError(await del(join(p.path, 'box')), 409, 'directory_not_empty');
    assert.ok(existsSync(join(p.path, 'box', 'G.txt')));
    assert.equal((await del(join(p.path, 'box'), 'true')).status, 204);
    assert.ok(!existsSync(join(p.path, 'box')));
    assert.equal((await del(join(p.path, 'dest', 'moved.txt'))).status, 204);
    assert.equal((await del(join(p.path, 'dest'))).status, 204);
    await expectError(await del(p.path, 'true'), 403, 'path_not_allowed');
    await expectError(await del(join(p.path, 'nothing')), 404, 'not_found');
    // Deleting an in-project symlink removes the link, not what it points at.
    symlinkSync(join(p.path, 'README.md'), join(p.path, 'readme-link'));
    assert.equal((await del(join(p.path, 'readme-link'))).status, 204);
    assert.equal(readFileSync(join(p.path, 'README.md'), 'utf8'), '# hi\n');
  });

  describe('upload', () => {
    const upload = (form: FormData) => stack.api('/api/v1/files/upload', { method: 'POST', body: form });
    const baseForm = (parentPath = join(p.path, 'up')) => {
      const f = new FormData();
      f.append('projectId', p.id);
      f.append('parentPath', parentPath);
      return f;
    };
    before(() => mkdirSync(join(p.path, 'up')));

    it('stores files with sha256, including folder uploads by index', async () => {
      const f = baseForm();
      f.append('sha256:a.txt', sha('alpha'));
      f.append('path:1', 'nested/dir/b.txt');
      f.append('sha256:1', sha('beta'));
      f.append('file:0', new Blob(['alpha']), 'a.txt');
      f.append('file:1', new Blob(['beta']), 'b.txt');
      const res = await upload(f);
      assert.equal(res.status, 200, await res.clone().text());
      const body = await jsonOf<{ files: { path: string; size: number; sha256: string }[] }>(res);
      assert.deepEqual(body.files, [
        { path: join(p.path, 'up', 'a.txt'), size: 5, sha256: sha('alpha') },
        { path: join(p.path, 'up', 'nested', 'dir', 'b.txt'), size: 4, sha256: sha('beta') },
      ]);
      assert.equal(readFileSync(join(p.path, 'up', 'nested', 'dir', 'b.txt'), 'utf8'), 'beta');
      assert.deepEqual(
        readdirSync(join(p.path, 'up')).filter((n) => n.includes('.tmp')),
        [],
      );
    });

    it('needs overwrite to replace; a checksum mismatch stores nothing', async () => {
      const again = baseForm();
      again.append('file', new Blob(['changed']), 'a.txt');
      await expectError(await upload(again), 409, 'target_exists');
      const ow = baseForm();
      ow.append('overwrite', 'true');
      ow.append('file', new Blob(['changed']), 'a.txt');
      assert.equal((await upload(ow)).status, 200);
      assert.equal(readFileSync(join(p.path, 'up', 'a.txt'), 'utf8'), 'changed');
      const bad = baseForm();
      bad.append('sha256:1', sha('something else'));
      bad.append('file:0', new Blob(['ok']), 'c.txt');
      bad.append('file:1', new Blob(['payload']), 'd.txt');
      await expectError(await upload(bad), 422, 'checksum_mismatch');
      assert.ok(!existsSync(join(p.path, 'up', 'c.txt')), 'nothing of a failed request appears');
      assert.ok(!existsSync(join(p.path, 'up', 'd.txt')));
      assert.deepEqual(
        readdirSync(join(p.path, 'up')).filter((n) => n.includes('.tmp')),
        [],
      );
    });

    it('puts overwritten files back when a later file of the request cannot be placed', async () => {
      writeFileSync(join(p.path, 'up', 'keep.txt'), 'original');
      writeFileSync(join(p.path, 'up', 'plain-file'), 'a file, not a folder');
      const f = baseForm();
      f.append('overwrite', '1');
      f.append('file:0', new Blob(['replacement']), 'keep.txt');
      f.append('path:1', 'plain-file/inside.txt');
      f.append('file:1', new Blob(['x']), 'inside.txt');
      const res = await upload(f);
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${await res.text()}`);
      assert.equal(readFileSync(join(p.path, 'up', 'keep.txt'), 'utf8'), 'original');
      assert.equal(readFileSync(join(p.path, 'up', 'plain-file'), 'utf8'), 'a file, not a folder');
      assert.deepEqual(
        readdirSync(join(p.path, 'up')).filter((n) => n.includes('.upload.')),
        [],
      );
    });

    it('applies per-file, aggregate and count limits with 413 and rolls back', async () => {
      const before = fingerprint(join(p.path, 'up'));
      const big = baseForm();
      big.append('file', new Blob([Buffer.alloc(1024 * 1024 + 1, 1)]), 'big.bin');
      await expectError(await upload(big), 413, 'file_too_large');
      const agg = baseForm();
      agg.append('file:0', new Blob([Buffer.alloc(900 * 1024, 1)]), 'one.bin');
      agg.append('file:1', new Blob([Buffer.alloc(900 * 1024, 2)]), 'two.bin');
      await expectError(await upload(agg), 413, 'aggregate_too_large');
      const many = baseForm();
      for (let i = 0; i < 5; i++) many.append(`file:${i}`, new Blob(['x']), `n${i}.txt`);
      await expectError(await upload(many), 413, 'too_many_files');
      assert.equal(fingerprint(join(p.path, 'up')), before);
    });

    it('a client that goes away mid-upload leaves no file and no temp file', async () => {
      const boundary = 'abortboundary';
      const head =
        `--${boundary}\r\nContent-Disposition: form-data; name="projectId"\r\n\r\n${p.id}\r\n--${boundary}\r\nContent-Disposition: form-data; name="parentPath"\r\n\r\n${join(p.path, 'up')}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.bin"\r\n\r\n`;
      const abort = new AbortController();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode(head));
          if (sent >= 8) {
            // Vanish only once the service is writing the temp file, so its clean-up is what we test.
            await waitFor('upload temp file', () => readdirSync(join(p.path, 'up')).some((n) => n.includes('.upload.tmp')), 10_000);
            abort.abort();
            return;
          }
          controller.enqueue(new Uint8Array(64 * 1024).fill(5));
          sent++;
        },
      });
      await assert.rejects(
        stack.api('/api/v1/files/upload', {
          method: 'POST',
          body,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
          signal: abort.signal,
          duplex: 'half',
        } as RequestInit),
      );
      await waitFor('temp files removed', () => readdirSync(join(p.path, 'up')).every((n) => !n.includes('.upload.tmp')), 10_000);
      assert.ok(!existsSync(join(p.path, 'up', 'half.bin')));
    });

    it('refuses malformed uploads', async () => {
      await expectError(await stack.api('/api/v1/files/upload', { method: 'POST', json: { projectId: p.id } }), 415, 'expected_multipart');
      const late = new FormData();
      late.append('file', new Blob(['x']), 'x.txt');
      late.append('projectId', p.id);
      await expectError(await upload(late), 400, 'missing_field');
      await expectError(await upload(baseForm()), 400, 'no_files');
      const unknown = new FormData();
      unknown.append('projectId', 'no-such-project');
      unknown.append('parentPath', p.path);
      unknown.append('file', new Blob(['x']), 'x.txt');
      await expectError(await upload(unknown), 404, 'project_not_found');
      for (const rel of ['../escape.txt', '/abs.txt', 'a/../../b.txt']) {
        const f = baseForm();
        f.append('path:0', rel);
        f.append('file:0', new Blob(['x']), 'x.txt');
        await expectError(await upload(f), 403, 'path_not_allowed');
      }
      const outsideParent = baseForm(outside);
      outsideParent.append('file', new Blob(['x']), 'x.txt');
      await expectError(await upload(outsideParent), 403, 'path_not_allowed');
      assert.deepEqual(readdirSync(outside), ['secret.txt']);
    });
  });

  it('rate-limits search per client (RATE_LIMIT_SEARCH_MAX=2 here)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await stack.api(`/api/v1/files/search?${q({ q: 'hi' })}`)).status);
    assert.deepEqual(statuses, [200, 200, 429]);
  });

  it('downloads a file with its headers, and a folder as a .tar.gz without noise folders', async () => {
    const file = await stack.api(`/api/v1/files/download?${q({ path: join(p.path, 'README.md') })}`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/octet-stream');
    assert.equal(file.headers.get('content-length'), '5');
    assert.equal(file.headers.get('content-disposition'), `attachment; filename="README.md"; filename*=UTF-8''README.md`);
    assert.equal(await file.text(), '# hi\n');

    const dir = await stack.api(`/api/v1/files/download?${q({})}`);
    assert.equal(dir.status, 200);
    assert.equal(dir.headers.get('content-type'), 'application/gzip');
    assert.match(dir.headers.get('content-disposition') ?? '', /filename="proj\.tar\.gz"/);
    const unpack = mkdtempSync(join(tmpdir(), 'pi-forge-unpack-'));
    try {
      writeFileSync(join(unpack, 'x.tar.gz'), Buffer.from(await dir.arrayBuffer()));
      execFileSync('tar', ['-xzf', 'x.tar.gz'], { cwd: unpack });
      assert.equal(readFileSync(join(unpack, 'proj', 'src', 'main.ts'), 'utf8'), 'export const x = 1;\n');
      assert.ok(!existsSync(join(unpack, 'proj', 'node_modules')));
      assert.ok(!existsSync(join(unpack, 'proj', '.git')));
      // Symlinks are stored as links, never followed: nothing from outside is in the archive.
      const listing = execFileSync('tar', ['-tvzf', 'x.tar.gz'], { cwd: unpack, encoding: 'utf8' });
      assert.match(listing, /^l.* proj\/out-link -> /m);
      assert.match(listing, /^l.* proj\/src-link -> /m);
      assert.ok(!listing.includes('secret.txt'));
      assert.ok(lstatSync(join(unpack, 'proj', 'out-link')).isSymbolicLink());
    } finally {
      rmSync(unpack, { recursive: true, force: true });
    }
    await expectError(await stack.api(`/api/v1/files/download?${q({ path: join(p.path, 'absent') })}`), 404, 'not_found');
  });
});
