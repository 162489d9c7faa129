/** Folders that tree, completion, search fallback and downloads skip (docs/compatibility.md#files-and-git). */
export const SKIP_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  '__pycache__',
  '.next',
  '.nuxt',
  'coverage',
  '.vite',
  '.turbo',
  '.cache',
]);
