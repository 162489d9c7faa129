// The SDK's file tools (read, write, edit, grep, find, ls) scoped by the sandbox's path policy
// (contract §5.15). We keep the SDK's own implementations: each tool's path argument is checked
// before the tool runs (grep/find/ls then get the checked real path, so the SDK cannot resolve it
// differently), and read/write/edit also get file operations that check every path the SDK
// resolved itself. Files and folders the tools create belong to the tool uid, group-writable like
// the workspace service's (`0664` / `0775`), so the sandboxed shell can change them afterwards.
import { constants } from 'node:fs';
import { access, chmod, chown, lstat, mkdir, open, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxIdentity } from '@pi-forge/runtime';
import type { EditOperations, PiSdk, ReadOperations, ToolDefinition, WriteOperations } from '../sdk/pi-sdk.js';
import type { ToolPathPolicy } from './tool-path-policy.js';

const FILE_MODE = 0o664;
const DIR_MODE = 0o775;
const UNICODE_SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;

/** How the SDK turns a tool's path argument into an absolute path (`@` prefix, `~`, file URLs). */
export function resolveToolPath(given: string, cwd: string): string {
  let p = given.replace(UNICODE_SPACES, ' ');
  if (p.startsWith('@')) p = p.slice(1);
  if (p === '~') p = homedir();
  else if (p.startsWith('~/')) p = join(homedir(), p.slice(2));
  else if (p.startsWith('file://')) p = fileURLToPath(p);
  return isAbsolute(p) ? resolve(p) : resolve(cwd, p);
}

/** Writes a file; a new one is created for the tool uid with the group-writable mode, an existing one keeps mode and owner. */
export async function writeOwned(real: string, content: string, uid: number): Promise<void> {
  const existing = await lstat(real).catch(() => undefined);
  // O_NOFOLLOW: a link swapped in after the check is not written through.
  const flags = constants.O_WRONLY | constants.O_NOFOLLOW | (existing ? constants.O_TRUNC : constants.O_CREAT | constants.O_EXCL);
  const handle = await open(real, flags, FILE_MODE);
  try {
    await handle.writeFile(content, 'utf8');
    if (!existing) {
      await handle.chmod(FILE_MODE); // the open mode is filtered by the umask
      await handle.chown(uid, -1);
    }
  } finally {
    await handle.close();
  }
}

/** A folder and its missing parents, each new one owned by the tool uid with the group-writable mode. */
export async function mkdirOwned(real: string, uid: number): Promise<void> {
  const missing: string[] = [];
  for (
    let cur = real;
    !(await lstat(cur).then(
      () => true,
      () => false,
    ));
    cur = dirname(cur)
  ) {
    missing.unshift(cur);
    if (dirname(cur) === cur) break;
  }
  await mkdir(real, { recursive: true, mode: DIR_MODE });
  for (const dir of missing) {
    await chmod(dir, DIR_MODE);
    await chown(dir, uid, -1);
  }
}

type AnyTool = ToolDefinition<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Checks the tool's `path` argument (default `.`) before the SDK's tool runs; `pass` hands it the checked real path. */
function guarded<T extends AnyTool>(tool: T, cwd: string, policy: ToolPathPolicy, pass: boolean): T {
  const execute: AnyTool['execute'] = async (id, params, signal, onUpdate, ctx) => {
    const given = (params as { path?: unknown } | undefined)?.path ?? '.';
    if (typeof given !== 'string') return tool.execute(id, params, signal, onUpdate, ctx);
    const real = await policy.check(resolveToolPath(given, ctx?.cwd || cwd));
    return tool.execute(id, pass ? { ...(params as object), path: real } : params, signal, onUpdate, ctx);
  };
  return { ...tool, execute };
}

/** `sdk` is the loaded SDK module (it is imported lazily, see sdk/pi-sdk.ts). */
export function scopedFileTools(sdk: PiSdk, cwd: string, policy: ToolPathPolicy, identity: SandboxIdentity): AnyTool[] {
  const {
    createEditToolDefinition,
    createFindToolDefinition,
    createGrepToolDefinition,
    createLsToolDefinition,
    createReadToolDefinition,
    createWriteToolDefinition,
    detectSupportedImageMimeTypeFromFile,
  } = sdk;
  const read: ReadOperations = {
    readFile: async (p) => readFile(await policy.check(p)),
    access: async (p) => access(await policy.check(p), constants.R_OK),
    detectImageMimeType: async (p) => detectSupportedImageMimeTypeFromFile(await policy.check(p)),
  };
  const write: WriteOperations = {
    mkdir: async (dir) => mkdirOwned(await policy.check(dir), identity.uid),
    writeFile: async (p, content) => writeOwned(await policy.check(p), content, identity.uid),
  };
  const edit: EditOperations = {
    readFile: async (p) => readFile(await policy.check(p)),
    access: async (p) => access(await policy.check(p), constants.R_OK | constants.W_OK),
    writeFile: async (p, content) => writeOwned(await policy.check(p), content, identity.uid),
  };
  return [
    guarded(createReadToolDefinition(cwd, { operations: read }), cwd, policy, false),
    guarded(createWriteToolDefinition(cwd, { operations: write }), cwd, policy, false),
    guarded(createEditToolDefinition(cwd, { operations: edit }), cwd, policy, false),
    // rg and fd do not follow links inside the tree they search, so checking the root is enough.
    guarded(createGrepToolDefinition(cwd), cwd, policy, true),
    guarded(createFindToolDefinition(cwd), cwd, policy, true),
    guarded(createLsToolDefinition(cwd), cwd, policy, true),
  ] as AnyTool[];
}
