/** Folders that tree, completion, search fallback and downloads skip (contract §2.8). */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist', 'build', '__pycache__', '.next', '.nuxt', 'coverage', '.vite', '.turbo', '.cache']);
