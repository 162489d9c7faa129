// XLSX to text without a spreadsheet library: the bounded zip reader (document-zip.ts) and
// fast-xml-parser on the few parts that hold the text (workbook, its rels, shared strings, styles
// for date cells, the sheets). Output: a `## Sheet: <name>` heading per sheet, one line per row
// with a value, cells tab-separated (tabs and newlines inside cells flattened), dates as ISO.
import { XMLParser } from 'fast-xml-parser';
import { readZipEntries } from './document-zip.js';

// fast-xml-parser's output is untyped XML; each reader below checks what it takes out.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = Record<string, any>;

const ARRAYS = new Set(['sheet', 'Relationship', 'si', 'r', 'row', 'c', 'xf', 'numFmt']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  alwaysCreateTextNode: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => ARRAYS.has(name),
});

function parseXml(data: Buffer | undefined, part: string): Node {
  if (!data) return {};
  const text = data.toString('utf8');
  // Office XML never declares a DOCTYPE; one here could only be an entity-expansion trick.
  if (/<!DOCTYPE/i.test(text)) throw new Error(`not a readable document: ${part} declares a DOCTYPE`);
  return parser.parse(text) as Node;
}

const textOf = (n: unknown): string =>
  n == null ? '' : typeof n === 'string' ? n : typeof n === 'object' ? String((n as Node)['#text'] ?? '') : String(n);

/** Text of a shared-string item or an inline string: plain <t>, or rich-text runs <r><t>. */
function richText(item: Node | undefined): string {
  if (!item) return '';
  if (item.t !== undefined) return textOf(item.t);
  return (item.r ?? []).map((run: Node) => textOf(run.t)).join('');
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

function isDateFormat(code: string): boolean {
  // Quoted literals, escapes and [colour]/[locale] sections say nothing about dates.
  const bare = code.replace(/"[^"]*"|\\.|\[(?!h\]|m\]|s\])[^\]]*\]/gi, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

function columnIndex(ref: string | undefined): number | undefined {
  const letters = /^([A-Z]+)\d*$/i.exec(ref ?? '')?.[1]?.toUpperCase();
  if (!letters) return undefined;
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function resolveTarget(target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const parts: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg && seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

export function xlsxToText(data: Buffer): string {
  const parts = readZipEntries(data, (name) => /\.(xml|rels)$/i.test(name));
  const workbook = parseXml(parts.get('xl/workbook.xml'), 'workbook').workbook;
  if (!workbook) throw new Error('not a readable document: no xl/workbook.xml');
  const rels = new Map<string, string>();
  for (const r of parseXml(parts.get('xl/_rels/workbook.xml.rels'), 'workbook rels').Relationships?.Relationship ?? [])
    rels.set(r['@_Id'], resolveTarget(r['@_Target']));
  const shared = (parseXml(parts.get('xl/sharedStrings.xml'), 'shared strings').sst?.si ?? []).map(richText);
  const styles = parseXml(parts.get('xl/styles.xml'), 'styles').styleSheet ?? {};
  const customFormats = new Map<number, string>();
  for (const f of styles.numFmts?.numFmt ?? []) customFormats.set(Number(f['@_numFmtId']), String(f['@_formatCode'] ?? ''));
  const dateStyle = (styles.cellXfs?.xf ?? []).map((xf: Node) => {
    const id = Number(xf['@_numFmtId'] ?? 0);
    return BUILTIN_DATE_FORMATS.has(id) || (customFormats.has(id) && isDateFormat(customFormats.get(id)!));
  });
  const epochDays = ['1', 'true'].includes(String(workbook.workbookPr?.['@_date1904'] ?? '')) ? 24107 : 25569;

  const cellText = (c: Node): string => {
    const type = c['@_t'] ?? 'n';
    const v = textOf(c.v);
    switch (type) {
      case 's':
        return shared[Number(v)] ?? '';
      case 'inlineStr':
        return richText(c.is);
      case 'b':
        return v === '1' ? 'true' : v === '0' ? 'false' : v;
      case 'n': {
        if (v !== '' && dateStyle[Number(c['@_s'] ?? 0)]) {
          const ms = Math.round((Number(v) - epochDays) * 86_400_000);
          if (Number.isFinite(ms)) return new Date(ms).toISOString();
        }
        return v;
      }
      default:
        return v; // str (formula text), e (error like #DIV/0!), d (ISO date)
    }
  };

  const out: string[] = [];
  for (const sheet of workbook.sheets?.sheet ?? []) {
    out.push(`## Sheet: ${sheet['@_name'] ?? ''}`);
    const path = rels.get(sheet['@_id']);
    const rows: Node[] = parseXml(path ? parts.get(path) : undefined, `sheet ${sheet['@_name']}`).worksheet?.sheetData?.row ?? [];
    for (const row of rows) {
      const cells: string[] = [];
      let next = 0;
      for (const c of row.c ?? []) {
        const at = columnIndex(c['@_r']) ?? next;
        while (cells.length < at) cells.push('');
        cells[at] = cellText(c).replace(/[\t\r\n]+/g, ' ');
        next = at + 1;
      }
      if (cells.some((t) => t !== '')) out.push(cells.join('\t').replace(/\t+$/, ''));
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}
