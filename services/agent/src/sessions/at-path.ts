// `@path` references in prompt and steer text (docs/compatibility.md#sessions): small files inside the project are
// appended as fenced blocks, directories become `@dir/`, anything outside the project or binary
// is marked as not included, big files stay a bare reference the agent can read itself, and
// words that name nothing (e-mail addresses, handles) are left alone.
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

const FILE_LIMIT = 128 * 1024;
const TOTAL_LIMIT = 512 * 1024;
const REF = /(^|\s)@(?:"([^"\n]+)"|([^\s"]+))/g;

export function fenceFor(content: string): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((r) => r.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function within(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

async function readHead(path: string, size: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * `allows` is the sandbox's path policy (contract §5.15): a reference it refuses is marked as not
 * included, like one outside the project.
 */
export async function expandAtPaths(text: string, cwd: string, allows?: (real: string) => Promise<boolean>): Promise<string> {
  const root = await realpath(cwd);
  const blocks: string[] = [];
  let total = 0;
  const replacements = new Map<string, string>();
  for (const m of text.matchAll(REF)) {
    const raw = m[2] ?? m[3]!;
    const ref = raw.replace(/[.,;:!?)]+$/, '');
    const key = m[2] !== undefined ? `@"${raw}"` : `@${ref}`;
    if (!ref || replacements.has(key)) continue;
    const display = m[2] !== undefined ? `@"${ref}"` : `@${ref}`;
    let target: string;
    try {
      target = await realpath(resolve(root, ref));
    } catch {
      continue; // names nothing: leave the text as typed
    }
    if (!within(root, target) || (allows && !(await allows(target)))) {
      replacements.set(key, `[${display} not included: outside the project]`);
      continue;
    }
    const info = await stat(target);
    const rel = relative(root, target) || '.';
    if (info.isDirectory()) {
      replacements.set(key, m[2] !== undefined ? `@"${rel}/"` : `@${rel}/`);
      continue;
    }
    if (!info.isFile()) continue;
    if (info.size > FILE_LIMIT || total + info.size > TOTAL_LIMIT) continue;
    const data = await readHead(target, info.size);
    if (data.subarray(0, 8192).includes(0)) {
      replacements.set(key, `[${display} not included: binary file]`);
      continue;
    }
    const content = data.toString('utf8');
    total += info.size;
    const fence = fenceFor(content);
    const lang = /\.([a-z0-9]+)$/i.exec(rel)?.[1]?.toLowerCase() ?? '';
    blocks.push(`${fence}${lang} file: ${rel.replace(/[`\r\n]/g, '_')}\n${content}${content.endsWith('\n') ? '' : '\n'}${fence}`);
  }
  const out = text.replace(REF, (full: string, pre: string, quoted: string | undefined, bare: string | undefined) => {
    if (quoted !== undefined) return replacements.has(`@"${quoted}"`) ? `${pre}${replacements.get(`@"${quoted}"`)}` : full;
    const ref = bare!.replace(/[.,;:!?)]+$/, '');
    const value = replacements.get(`@${ref}`);
    return value === undefined ? full : `${pre}${value}${bare!.slice(ref.length)}`;
  });
  return blocks.length ? `${out}\n\n${blocks.join('\n\n')}` : out;
}
