// Editor language of a file, from its basename first and then its extension (docs/compatibility.md#files-and-git).
import { basename, extname } from 'node:path';

const BY_NAME: Record<string, string> = {
  dockerfile: 'dockerfile', makefile: 'makefile', gnumakefile: 'makefile', 'nginx.conf': 'nginx', 'cmakelists.txt': 'cmake',
};

const BY_EXT: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  py: 'python', rs: 'rust', go: 'go', java: 'java', kt: 'kotlin', kts: 'kotlin',
  c: 'c', h: 'c', cpp: 'cpp', cc: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp', cs: 'csharp', swift: 'swift',
  css: 'css', scss: 'scss', html: 'html', htm: 'html', xml: 'xml', svg: 'xml', json: 'json', jsonc: 'json',
  yaml: 'yaml', yml: 'yaml', toml: 'toml', md: 'markdown', markdown: 'markdown',
  sh: 'shell', bash: 'shell', zsh: 'shell', sql: 'sql', j2: 'jinja2', jinja: 'jinja2', jinja2: 'jinja2',
  properties: 'properties', ini: 'properties', lua: 'lua', pl: 'perl', pm: 'perl', r: 'r', ps1: 'powershell',
  diff: 'diff', patch: 'diff', clj: 'clojure', cljs: 'clojure', scala: 'scala', groovy: 'groovy', gradle: 'groovy',
  hs: 'haskell', ml: 'ocaml', mli: 'ocaml', graphql: 'graphql', gql: 'graphql', proto: 'protobuf', cmake: 'cmake', mk: 'makefile',
  vue: 'html',
};

export function detectLanguage(path: string): string {
  const name = basename(path).toLowerCase();
  if (BY_NAME[name]) return BY_NAME[name];
  if (name.startsWith('dockerfile.')) return 'dockerfile';
  if (name.startsWith('.env') || /^\.[a-z]*ignore$/.test(name)) return 'properties';
  return BY_EXT[extname(name).slice(1)] ?? 'plaintext';
}
