// Branch and remote names are checked before git runs, by the rules of `git check-ref-format
// --branch` (docs/compatibility.md#files-and-git): a name git would refuse gets 400 invalid_branch_name from us, with
// a reason, instead of a git_failed with git's stderr; and no name can ever be read as an option.
import { forgeError, GrpcStatus } from '@pi-forge/runtime';

const MAX_NAME = 250;

/** Why `name` is not a valid branch name, or undefined when it is. */
export function branchNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'the name is empty';
  if (name.length > MAX_NAME) return `the name is longer than ${MAX_NAME} characters`;
  if (name.startsWith('-')) return 'the name starts with "-"';
  if (name === 'HEAD') return '"HEAD" is not a branch name';
  if (name === '@') return '"@" is not a branch name';
  // Control characters (incl. NUL and DEL), space and the characters git reserves for revisions.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'the name contains a space, a control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'the name contains ".."';
  if (name.includes('@{')) return 'the name contains "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'the name starts or ends with "/" or contains "//"';
  if (name.endsWith('.')) return 'the name ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'a part of the name starts with "."';
    if (part.endsWith('.lock')) return 'a part of the name ends with ".lock"';
  }
  return undefined;
}

export function assertBranchName(name: unknown, field = 'branch'): asserts name is string {
  const problem = branchNameProblem(name);
  if (problem) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_branch_name', `${field} is not a valid branch name: ${problem}`);
}

/** Remote names follow the same rules (git stores them under refs/remotes/<name>/). */
export function assertRemoteName(name: unknown): asserts name is string {
  const problem = branchNameProblem(name);
  if (problem) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_remote_name', `not a valid remote name: ${problem}`);
}

/**
 * A start point is a revision (`HEAD~2`, `origin/main`, a hash), not a branch name, so `~` and `^`
 * are allowed; it still may not look like an option or carry whitespace or control characters.
 */
export function assertRevision(rev: unknown, field = 'startPoint'): asserts rev is string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (typeof rev !== 'string' || rev === '' || rev.length > MAX_NAME || rev.startsWith('-') || /[\x00-\x20\x7f:?*[\\]|\.\.|@\{/.test(rev)) {
    throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_branch_name', `${field} is not a valid revision`);
  }
}
