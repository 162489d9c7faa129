// The one containment check every file operation goes through (docs/compatibility.md#auth-and-security). A path is
// accepted only if it stays inside the root lexically AND after resolving symlinks: the deepest
// existing ancestor of the target is realpath'd and must still be inside realpath(root), which
// also covers targets that do not exist yet. Anything else is 403 path_not_allowed, decided
// before a single byte is read or written.
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { forgeError, GrpcStatus, type ServiceErrorCode } from '@pi-forge/runtime';

export const PATH_NOT_ALLOWED_MESSAGE = 'path is outside the project root';

const PERCENT_ESCAPE = /%[0-9a-f]{2}/i;

/**
 * Percent-escapes left after HTTP decoding mean the client encoded twice. A name like `a%20b`
 * passes, but an escape that a second decode would turn into `.`, `/`, `\`, `%` or NUL, or one
 * that does not decode at all (overlong UTF-8 such as %c0%af), is a trick.
 */
function hasEncodedTrick(input: string): boolean {
  if (!PERCENT_ESCAPE.test(input)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(input);
  } catch {
    return true;
  }
  return (
    /%(2e|2f|5c|25|00)/i.test(input) ||
    decoded.includes('\\') ||
    decoded.includes('\0') ||
    decoded.split('/').length !== input.split('/').length ||
    decoded.split('/').some((s) => s === '..' || s === '.')
  );
}

export function pathNotAllowed(message = PATH_NOT_ALLOWED_MESSAGE) {
  return forgeError(GrpcStatus.PERMISSION_DENIED, 'path_not_allowed', message);
}

export function invalidName(message = 'name must be a single path segment') {
  return forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_name', message);
}

/** True when `child` is `parent` or below it (both absolute and normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/** Rejects the forms no legitimate client sends: NUL, backslashes, encoded separators or dots. */
function assertPlainPath(input: string): void {
  if (typeof input !== 'string' || input.length === 0 || input.length > 4096) throw pathNotAllowed();
  if (input.includes('\0') || input.includes('\\') || hasEncodedTrick(input)) throw pathNotAllowed();
}

/** A valid single segment for mkdir/rename/upload names: no separators, NUL, `.` or `..`. */
export function assertName(name: string, code: ServiceErrorCode = 'invalid_name'): void {
  const bad = typeof name !== 'string' || name.trim() === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) || name.length > 255;
  if (bad) throw forgeError(GrpcStatus.INVALID_ARGUMENT, code, 'name must be a single path segment (no /, \\, NUL, . or ..)');
}

/**
 * realpath of the deepest existing ancestor of `abs` (abs itself if it exists), plus the rest;
 * `plainLeaf` tells that abs itself exists and is not a symlink (then its entry is its realpath).
 */
async function realpathOfExistingPart(abs: string): Promise<{ real: string; plainLeaf: boolean }> {
  const rest: string[] = [];
  let current = abs;
  for (;;) {
    const info = await lstat(current).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw pathNotAllowed(); // ELOOP, EACCES…: refuse
    });
    if (info) {
      // A dangling symlink cannot be proven to stay inside: refuse it rather than guess.
      const real = await realpath(current).catch(() => {
        throw pathNotAllowed();
      });
      return rest.length ? { real: resolve(real, ...rest.reverse()), plainLeaf: false } : { real, plainLeaf: !info.isSymbolicLink() };
    }
    const parent = dirname(current);
    if (parent === current) throw pathNotAllowed();
    rest.push(basename(current));
    current = parent;
  }
}

declare const CHECKED: unique symbol;

/** A path proven inside its root; only PathGuard makes these, and only ProjectFs acts on them. */
export interface GuardedPath {
  readonly [CHECKED]: true;
  /** The path with symlinks of its existing part resolved; what reads and writes act on. */
  real: string;
  /** The entry itself (parent resolved, last segment kept): what delete, rename and move act on, so a link is handled as a link. */
  entry: string;
  /** The real project root. */
  root: string;
  /** POSIX path relative to the root ("" for the root itself). */
  relative: string;
}

function checked(real: string, entry: string, root: string): GuardedPath {
  return { real, entry, root, relative: relative(root, real).split(sep).join('/') } as GuardedPath;
}

export class PathGuard {
  private realRoot: Promise<string> | undefined;

  /** `root` is a project's stored realpath (or WORKSPACE_PATH). */
  constructor(readonly root: string) {}

  private rootReal(): Promise<string> {
    this.realRoot ??= realpath(this.root).catch(() => {
      throw forgeError(GrpcStatus.NOT_FOUND, 'not_found', 'the project folder is missing');
    });
    return this.realRoot;
  }

  /**
   * Resolves a request path (absolute, or relative to the root) and proves it is inside the root.
   * `allowRoot: false` refuses the root itself (delete, rename, move).
   */
  async resolve(input: string, options: { allowRoot?: boolean } = {}): Promise<GuardedPath> {
    assertPlainPath(input);
    const root = await this.rootReal();
    const lexical = resolve(this.root, input);
    // The lexical check runs against both spellings of the root: the stored path may itself be
    // a symlink-free realpath (usual) or the configured WORKSPACE_PATH.
    if (!isInside(this.root, lexical) && !isInside(root, lexical)) throw pathNotAllowed();
    const { real, plainLeaf } = await realpathOfExistingPart(lexical);
    if (!isInside(root, real)) throw pathNotAllowed();
    if (options.allowRoot === false && (real === root || lexical === this.root || lexical === root))
      throw pathNotAllowed('the project root itself cannot be changed this way');
    // The entry differs from the real path only when the last segment is a link (or absent).
    const entry = plainLeaf ? real : join((await realpathOfExistingPart(dirname(lexical))).real, basename(lexical));
    if (!isInside(root, entry)) throw pathNotAllowed();
    return checked(real, entry, root);
  }

  /**
   * An entry read from a checked folder. A plain entry of a real folder inside the root is inside
   * too, so it needs no system call; a symlink is resolved like any request path.
   */
  async child(dir: GuardedPath, name: string, entry?: { isSymbolicLink(): boolean }): Promise<GuardedPath> {
    if (!entry) assertName(name); // a name readdir returned is always one segment
    const full = join(dir.real, name);
    if (entry && !entry.isSymbolicLink()) return checked(full, full, dir.root);
    return this.resolve(full);
  }

  /** A name the service chooses (temp file, backup) in the folder of a checked entry. */
  sibling(of: GuardedPath, name: string): GuardedPath {
    assertName(name);
    const full = join(dirname(of.entry), name);
    if (!isInside(of.root, dirname(full)) || full === of.root) throw pathNotAllowed();
    return checked(full, full, of.root);
  }

  /** The folder holding a checked entry (refused for the root itself). */
  parent(of: GuardedPath): GuardedPath {
    const dir = dirname(of.entry);
    if (of.entry === of.root || !isInside(of.root, dir)) throw pathNotAllowed();
    return checked(dir, dir, of.root);
  }

  /** The real root path. */
  rootPath(): Promise<string> {
    return this.rootReal();
  }
}
