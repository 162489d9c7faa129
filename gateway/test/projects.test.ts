// Projects end to end (docs/compatibility.md#projects): registry CRUD through the gateway, projects.json on disk,
// the folder browser, cascade delete of the session folder, and clone with SSE progress.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  readdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startStack, waitFor, type Stack } from '@pi-forge/test-fixtures';
import { createServer, type Server, type Socket } from 'node:net';
import { createProject, expectError, git, jsonOf, sseEvents, type ProjectBody } from './files-support.js';

describe('projects', () => {
  let stack: Stack;
  let outside: string;
  before(async () => {
    // A short heartbeat so the clone-stream heartbeat test sees several within its wait.
    stack = await startStack({ name: 'projects', env: { API_KEY: 'test-key-projects', SSE_HEARTBEAT_MS: '1000' } });
    outside = mkdtempSync(join(tmpdir(), 'pi-forge-outside-'));
  });
  after(async () => {
    await stack?.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  const projectsFile = () => JSON.parse(readFileSync(join(stack.dirs.data, 'projects.json'), 'utf8')) as ProjectBody[];

  it('creates, lists and gets a project; projects.json holds it as pretty JSON', async () => {
    const p = await createProject(stack, 'alpha');
    assert.match(p.id, /^[0-9a-f-]{36}$/);
    assert.equal(p.name, 'alpha');
    assert.equal(p.path, realpathSync(join(stack.dirs.workspace, 'alpha')));
    assert.ok(!Number.isNaN(Date.parse(p.createdAt)));
    const list = await jsonOf<{ projects: ProjectBody[] }>(await stack.api('/api/v1/projects'));
    assert.deepEqual(
      list.projects.map((x) => x.id),
      [p.id],
    );
    assert.deepEqual(await jsonOf(await stack.api(`/api/v1/projects/${p.id}`)), p);
    assert.deepEqual(projectsFile(), [p]);
    assert.match(readFileSync(join(stack.dirs.data, 'projects.json'), 'utf8'), /^\[\n {2}\{/);
    assert.deepEqual(
      readdirSync(stack.dirs.data).filter((f) => f.endsWith('.tmp')),
      [],
      'no temp files left',
    );
  });

  it('rejects bad project input with the contract codes and writes nothing', async () => {
    const before = readFileSync(join(stack.dirs.data, 'projects.json'), 'utf8');
    mkdirSync(join(stack.dirs.workspace, 'beta'));
    writeFileSync(join(stack.dirs.workspace, 'a-file.txt'), 'x');
    symlinkSync(outside, join(stack.dirs.workspace, 'escape-link'));
    const post = (json: unknown) => stack.api('/api/v1/projects', { method: 'POST', json });
    await expectError(await post({ name: '   ', path: join(stack.dirs.workspace, 'beta') }), 400, 'invalid_name');
    await expectError(await post({ name: 'x', path: join(stack.dirs.workspace, 'nope') }), 400, 'not_a_directory');
    await expectError(await post({ name: 'x', path: join(stack.dirs.workspace, 'a-file.txt') }), 400, 'not_a_directory');
    await expectError(await post({ name: 'x', path: outside }), 403, 'path_not_allowed');
    await expectError(await post({ name: 'x', path: join(stack.dirs.workspace, 'escape-link') }), 403, 'path_not_allowed');
    await expectError(await post({ name: 'x', path: join(stack.dirs.workspace, '..') }), 403, 'path_not_allowed');
    await expectError(await post({ name: 'dup', path: join(stack.dirs.workspace, 'alpha') }), 409, 'duplicate_path');
    await expectError(await post({ path: join(stack.dirs.workspace, 'beta') }), 400, 'validation_failed');
    await expectError(await post({ name: 'x'.repeat(201), path: join(stack.dirs.workspace, 'beta') }), 400, 'validation_failed');
    await expectError(await stack.api('/api/v1/projects/00000000-0000-0000-0000-000000000000'), 404, 'project_not_found');
    assert.equal(readFileSync(join(stack.dirs.data, 'projects.json'), 'utf8'), before);
  });

  it('keeps every project when many are created at once (one writer lock)', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `par${i}`);
    for (const n of names) mkdirSync(join(stack.dirs.workspace, n));
    const created = await Promise.all(
      names.map((n) =>
        stack
          .api('/api/v1/projects', { method: 'POST', json: { name: n, path: join(stack.dirs.workspace, n) } })
          .then((r) => jsonOf<ProjectBody>(r)),
      ),
    );
    const stored = projectsFile().map((p) => p.id);
    for (const c of created) assert.ok(stored.includes(c.id), `${c.name} lost`);
    for (const c of created) await stack.api(`/api/v1/projects/${c.id}`, { method: 'DELETE' });
    assert.ok(!projectsFile().some((p) => p.name.startsWith('par')));
  });

  it('renames and reorders; bad orders are refused', async () => {
    const [a] = projectsFile();
    const b = await createProject(stack, 'gamma');
    const renamed = await jsonOf<ProjectBody>(
      await stack.api(`/api/v1/projects/${a.id}`, { method: 'PATCH', json: { name: '  Alpha One ' } }),
    );
    assert.equal(renamed.name, 'Alpha One');
    await expectError(await stack.api(`/api/v1/projects/${a.id}`, { method: 'PATCH', json: { name: ' ' } }), 400, 'invalid_name');
    await expectError(await stack.api('/api/v1/projects/no-such-id', { method: 'PATCH', json: { name: 'n' } }), 404, 'project_not_found');
    const ordered = await jsonOf<{ projects: ProjectBody[] }>(
      await stack.api('/api/v1/projects/order', { method: 'PUT', json: { ids: [b.id, a.id] } }),
    );
    assert.deepEqual(
      ordered.projects.map((p) => p.id),
      [b.id, a.id],
    );
    assert.deepEqual(
      projectsFile().map((p) => p.id),
      [b.id, a.id],
    );
    for (const ids of [[b.id], [b.id, b.id], [b.id, a.id, 'extra'], [b.id, 'other']]) {
      await expectError(await stack.api('/api/v1/projects/order', { method: 'PUT', json: { ids } }), 400, 'invalid_project_order');
    }
    assert.deepEqual(
      projectsFile().map((p) => p.id),
      [b.id, a.id],
    );
  });

  it('stores a per-project system-prompt addendum, clears it when blank, caps it at 20,000 bytes', async () => {
    const p = await createProject(stack, 'prompted');
    const route = `/api/v1/projects/${p.id}/system-prompt`;
    assert.deepEqual(await jsonOf(await stack.api(route)), { addendum: '', maxBytes: 20000 });
    const put = (addendum: unknown) => stack.api(route, { method: 'PUT', json: { addendum } });
    assert.deepEqual(await jsonOf(await put('Always answer in haiku.')), { addendum: 'Always answer in haiku.', maxBytes: 20000 });
    assert.deepEqual(await jsonOf(await stack.api(route)), { addendum: 'Always answer in haiku.', maxBytes: 20000 });
    const file = join(stack.dirs.data, 'system-prompt-overrides.json');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { projects: { [p.id]: 'Always answer in haiku.' } });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    await expectError(await put('é'.repeat(10_001)), 400, 'addendum_too_large');
    await expectError(await put(42), 400, 'validation_failed');
    await expectError(await stack.api('/api/v1/projects/nope/system-prompt'), 404, 'project_not_found');
    assert.equal((await jsonOf(await stack.api(route))).addendum, 'Always answer in haiku.');
    assert.deepEqual(await jsonOf(await put('  \n ')), { addendum: '', maxBytes: 20000 });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { projects: {} });
    await put('again');
    await stack.api(`/api/v1/projects/${p.id}`, { method: 'DELETE' });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { projects: {} }, 'project delete cascades to its addendum');
  });

  it('delete removes the record, the session folder and override entries, never the code', async () => {
    const p = await createProject(stack, 'doomed');
    writeFileSync(join(p.path, 'keep.txt'), 'code');
    const sessions = join(stack.dirs.sessions, p.id);
    mkdirSync(sessions, { recursive: true });
    writeFileSync(join(sessions, 's.jsonl'), '{}\n');
    const keep = projectsFile()[0].id;
    const overrides = { projects: { [p.id]: { enable: ['x'], disable: [] }, [keep]: { enable: [], disable: ['y'] } } };
    for (const f of ['skills-overrides.json', 'prompts-overrides.json', 'mcp-stdio-trust.json'])
      writeFileSync(join(stack.dirs.data, f), JSON.stringify(overrides), { mode: 0o600 });
    const res = await stack.api(`/api/v1/projects/${p.id}`, { method: 'DELETE' });
    assert.deepEqual(await jsonOf(res), { cascaded: true });
    for (const f of ['skills-overrides.json', 'prompts-overrides.json', 'mcp-stdio-trust.json']) {
      assert.deepEqual(
        JSON.parse(readFileSync(join(stack.dirs.data, f), 'utf8')),
        { projects: { [keep]: { enable: [], disable: ['y'] } } },
        f,
      );
      assert.equal(statSync(join(stack.dirs.data, f)).mode & 0o777, 0o600);
    }
    assert.ok(!existsSync(sessions));
    assert.equal(readFileSync(join(p.path, 'keep.txt'), 'utf8'), 'code');
    assert.ok(!projectsFile().some((x) => x.id === p.id));
    await expectError(await stack.api(`/api/v1/projects/${p.id}`, { method: 'DELETE' }), 404, 'project_not_found');
  });

  it('browses folders: non-hidden dirs only, git flag, parentPath, containment', async () => {
    mkdirSync(join(stack.dirs.workspace, '.hidden'), { recursive: true });
    mkdirSync(join(stack.dirs.workspace, 'repo', '.git'), { recursive: true });
    mkdirSync(join(stack.dirs.workspace, 'beta', 'inner'), { recursive: true });
    const root = await jsonOf<{ path: string; parentPath: string | null; entries: { name: string; path: string; isGitRepo: boolean }[] }>(
      await stack.api('/api/v1/projects/browse'),
    );
    const real = realpathSync(stack.dirs.workspace);
    assert.equal(root.path, real);
    assert.equal(root.parentPath, null);
    const names = root.entries.map((e) => e.name);
    assert.deepEqual(names, [...names].sort());
    assert.ok(
      names.includes('repo') &&
        names.includes('beta') &&
        !names.includes('.hidden') &&
        !names.includes('a-file.txt') &&
        !names.includes('escape-link'),
    );
    assert.equal(root.entries.find((e) => e.name === 'repo')?.isGitRepo, true);
    assert.equal(root.entries.find((e) => e.name === 'beta')?.isGitRepo, false);
    const sub = await jsonOf<{ path: string; parentPath: string }>(
      await stack.api(`/api/v1/projects/browse?path=${encodeURIComponent(join(real, 'beta'))}`),
    );
    assert.equal(sub.parentPath, real);
    await expectError(await stack.api(`/api/v1/projects/browse?path=${encodeURIComponent(outside)}`), 403, 'path_not_allowed');
    await expectError(
      await stack.api(`/api/v1/projects/browse?path=${encodeURIComponent(join(real, 'escape-link'))}`),
      403,
      'path_not_allowed',
    );
    await expectError(
      await stack.api(`/api/v1/projects/browse?path=${encodeURIComponent(join(real, 'a-file.txt'))}`),
      400,
      'not_a_directory',
    );
  });

  it('makes folders from the picker with the contract codes', async () => {
    const real = realpathSync(stack.dirs.workspace);
    const mk = (json: unknown) => stack.api('/api/v1/projects/browse/mkdir', { method: 'POST', json });
    const res = await mk({ parentPath: real, name: 'fresh' });
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { path: join(real, 'fresh') });
    assert.ok(existsSync(join(real, 'fresh')));
    await expectError(await mk({ parentPath: real, name: 'fresh' }), 409, 'already_exists');
    for (const name of ['..', '.', 'a/b', 'a\\b']) await expectError(await mk({ parentPath: real, name }), 400, 'invalid_directory_name');
    await expectError(await mk({ parentPath: outside, name: 'x' }), 403, 'path_not_allowed');
    await expectError(await mk({ parentPath: join(real, 'escape-link'), name: 'x' }), 403, 'path_not_allowed');
    assert.deepEqual(readdirSync(outside), []);
  });

  describe('clone', () => {
    let source: string;
    before(() => {
      source = join(outside, 'source');
      mkdirSync(source);
      git(source, 'init', '-q', '-b', 'main');
      writeFileSync(join(source, 'README.md'), '# cloned\n');
      git(source, 'add', '.');
      git(source, 'commit', '-q', '-m', 'first');
      git(source, 'branch', 'feature');
    });

    const clone = (json: Record<string, unknown>) =>
      stack.api('/api/v1/projects/clone', {
        method: 'POST',
        json: { parentPath: realpathSync(stack.dirs.workspace), projectName: 'Cloned', ...json },
      });

    it('clones a file:// repository with SSE progress and registers it', async () => {
      const res = await clone({ url: pathToFileURL(source).href, folderName: 'cloned', branch: 'feature' });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      const events = await sseEvents(res);
      const types = events.map((e) => e.type);
      assert.equal(types[0], 'started');
      assert.equal(events[0].cloneUrlForDisplay, pathToFileURL(source).href);
      assert.deepEqual(types.slice(-2), ['done', 'project_created'], JSON.stringify(events));
      const progress = events.filter((e) => e.type === 'progress');
      assert.ok(progress.length > 0, `no progress events: ${JSON.stringify(events)}`);
      for (const e of progress) {
        assert.equal(typeof e.phase, 'string');
        assert.ok(e.percent === null || (typeof e.percent === 'number' && e.percent >= 0 && e.percent <= 100), JSON.stringify(e));
        assert.equal(typeof e.raw, 'string');
      }
      assert.ok(
        progress.some((e) => e.percent === 100),
        JSON.stringify(progress),
      );
      const project = events.at(-1)!.project as ProjectBody;
      const target = join(realpathSync(stack.dirs.workspace), 'cloned');
      assert.equal(project.path, target);
      assert.equal(project.name, 'Cloned');
      assert.equal(readFileSync(join(target, 'README.md'), 'utf8'), '# cloned\n');
      assert.equal(git(target, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'feature');
      assert.ok(projectsFile().some((p) => p.id === project.id));
    });

    it('refuses bad clone requests before the stream starts, as JSON', async () => {
      const url = pathToFileURL(source).href;
      mkdirSync(join(stack.dirs.workspace, 'occupied'));
      writeFileSync(join(stack.dirs.workspace, 'occupied', 'x'), 'x');
      await expectError(await clone({ url: 'not a url', folderName: 'c1' }), 400, 'invalid_url');
      await expectError(await clone({ url: 'http://example.invalid/r.git', folderName: 'c1' }), 400, 'unsupported_protocol');
      await expectError(await clone({ url: 'ssh://example.invalid/r.git', folderName: 'c1' }), 400, 'unsupported_protocol');
      for (const folderName of ['..', '.', 'a/b', 'a\\b'])
        await expectError(await clone({ url, folderName }), 400, 'invalid_directory_name');
      await expectError(await clone({ url, folderName: 'occupied' }), 409, 'target_not_empty');
      await expectError(await clone({ url, folderName: 'a-file.txt' }), 400, 'target_not_a_directory');
      await expectError(await clone({ url, folderName: 'c1', parentPath: outside }), 403, 'path_not_allowed');
      await expectError(await clone({ url, folderName: 'c1', branch: '--upload-pack=touch /tmp/x' }), 400, 'invalid_branch_name');
      assert.ok(!existsSync(join(stack.dirs.workspace, 'c1')));
    });

    it('never shows an access token in events or logs', async () => {
      const token = 'tok-secret-4b1d-never-shown';
      const res = await clone({ url: 'https://127.0.0.1:9/private/repo.git', folderName: 'tokened', token });
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.ok(!text.includes(token), text);
      assert.match(text, /"type":"started","cloneUrlForDisplay":"https:\/\/127\.0\.0\.1:9\/private\/repo\.git"/);
      assert.match(text, /"type":"error"/);
      assert.ok(!stack.rawLog.some((l) => l.includes(token)), 'token in a log line');
      assert.ok(!existsSync(join(stack.dirs.workspace, 'tokened')));
    });

    it('a client that disconnects mid-clone stops git and leaves no folder', async () => {
      const { sockets, silent, port } = await silentRemote();
      const abort = new AbortController();
      try {
        const res = await stack.api('/api/v1/projects/clone', {
          method: 'POST',
          signal: abort.signal,
          json: {
            url: `https://127.0.0.1:${port}/slow.git`,
            parentPath: realpathSync(stack.dirs.workspace),
            folderName: 'interrupted',
            projectName: 'x',
          },
        });
        assert.equal(res.status, 200);
        await waitFor('clone target created', () => existsSync(join(stack.dirs.workspace, 'interrupted')), 10_000);
        abort.abort();
        await waitFor('clone target removed after the disconnect', () => !existsSync(join(stack.dirs.workspace, 'interrupted')), 15_000);
        await waitFor(
          'clone cancel logged',
          () => stack.logs.some((l) => l.proc === 'workspace' && l.msg === 'clone cancelled by the client'),
          5_000,
        );
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    });

    it('a clone that waits on its remote gets a `: heartbeat` comment every SSE_HEARTBEAT_MS', async () => {
      const { sockets, silent, port } = await silentRemote();
      const abort = new AbortController();
      try {
        const res = await stack.api('/api/v1/projects/clone', {
          method: 'POST',
          signal: abort.signal,
          json: {
            url: `https://127.0.0.1:${port}/slow.git`,
            parentPath: realpathSync(stack.dirs.workspace),
            folderName: 'heartbeats',
            projectName: 'x',
          },
        });
        assert.equal(res.status, 200);
        let text = '';
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        const reading = (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            text += decoder.decode(value, { stream: true });
          }
        })().catch(() => undefined);
        // The default would be 20 s; at 1000 ms three arrive well within the wait.
        await waitFor('three heartbeats', () => text.split(': heartbeat\n\n').length > 3, 20_000);
        assert.match(text, /^data: \{"type":"started"/, 'the stream starts with the started event');
        assert.ok(!text.includes('"type":"done"'), 'the clone is still waiting on its silent remote');
        abort.abort();
        await reading;
        // The remote hangs up too: a git-remote-https helper still connected would otherwise keep
        // git's pipes open past the cancel (reported to the workspace owner; not what this test is about).
        for (const socket of sockets) socket.destroy();
        await waitFor('clone target removed after the disconnect', () => !existsSync(join(stack.dirs.workspace, 'heartbeats')), 15_000);
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    });

    it('reports a failing clone as an error event and leaves no folder behind', async () => {
      const res = await clone({ url: pathToFileURL(join(outside, 'missing-repo')).href, folderName: 'broken' });
      assert.equal(res.status, 200);
      const events = await sseEvents(res);
      assert.equal(events[0].type, 'started');
      assert.equal(events.at(-1)!.type, 'error');
      assert.ok(typeof events.at(-1)!.message === 'string');
      assert.ok(!existsSync(join(stack.dirs.workspace, 'broken')));
    });
  });
});

/** An https "remote" that accepts connections and never answers, so git keeps waiting. */
async function silentRemote(): Promise<{ sockets: Set<Socket>; silent: Server; port: number }> {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket); /* and never answer */
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  return { sockets, silent, port: (silent.address() as { port: number }).port };
}
