// Real PDF, DOCX and XLSX documents built in memory for the attachment tests: a hand-written PDF
// with one text line (exact xref offsets), DOCX and XLSX parts zipped by python3's zipfile (not by
// our own zip code, so a bug there cannot cancel out), and decompression bombs of each kind.
import { execFileSync } from 'node:child_process';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A one-page PDF showing `line` in Helvetica (the line must not contain parentheses or backslashes). */
export function makePdf(line: string): Buffer {
  const content = `BT /F1 18 Tf 72 720 Td (${line}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) pdf += `${String(o).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** A minimal DOCX (content types, package rels, one document part) with one paragraph per entry. */
export function makeDocx(paragraphs: string[]): Buffer {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const files = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/document.xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
      paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${esc(p)}</w:t></w:r></w:p>`).join('') +
      '</w:body></w:document>',
  };
  return zipWithPython(files);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Zips `files` (name → text) with python3's zipfile, deflated. */
function zipWithPython(files: Record<string, string>): Buffer {
  const script = [
    'import io, json, sys, zipfile',
    'files = json.load(sys.stdin)',
    'buf = io.BytesIO()',
    'with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:',
    '    for name, text in files.items(): z.writestr(name, text)',
    'sys.stdout.buffer.write(buf.getvalue())',
  ].join('\n');
  return execFileSync('python3', ['-c', script], { input: JSON.stringify(files), maxBuffer: 16 * 1024 * 1024 });
}

const XLSX_CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>';

/**
 * An XLSX as Excel writes it: one worksheet per entry; strings in the shared-strings table, numbers
 * as values, Dates as serial numbers with a date style (numFmt 14), cell references on every cell.
 */
export function makeXlsx(sheets: Record<string, (string | number | Date)[][]>): Buffer {
  const strings: string[] = [];
  const stringIndex = (t: string) => {
    const i = strings.indexOf(t);
    return i >= 0 ? i : strings.push(t) - 1;
  };
  const col = (i: number) => {
    let s = '';
    for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    return s;
  };
  const names = Object.keys(sheets);
  const files: Record<string, string> = {
    '[Content_Types].xml': XLSX_CONTENT_TYPES,
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
      names.map((n, i) => `<sheet name="${esc(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
      '</sheets></workbook>',
    'xl/_rels/workbook.xml.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      names
        .map(
          (_n, i) =>
            `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
        )
        .join('') +
      `<Relationship Id="rId${names.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
      `<Relationship Id="rId${names.length + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
    'xl/styles.xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>',
  };
  names.forEach((name, i) => {
    const rows = sheets[name]!.map(
      (row, r) =>
        `<row r="${r + 1}">` +
        row
          .map((v, c) => {
            const ref = `${col(c)}${r + 1}`;
            if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
            if (v instanceof Date) return `<c r="${ref}" s="1"><v>${v.getTime() / 86_400_000 + 25569}</v></c>`;
            return `<c r="${ref}" t="s"><v>${stringIndex(v)}</v></c>`;
          })
          .join('') +
        '</row>',
    ).join('');
    files[`xl/worksheets/sheet${i + 1}.xml`] =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
  });
  files['xl/sharedStrings.xml'] =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">` +
    strings.map((t) => `<si><t xml:space="preserve">${esc(t)}</t></si>`).join('') +
    '</sst>';
  return zipWithPython(files);
}

/**
 * Decompression bombs, built by python3 streaming zeros (small in memory, ~1000:1 on disk):
 * - `docx` / `xlsx`: an honest zip whose main XML part inflates to `mib` MiB (the sizes are declared);
 * - `docx-lying`: the same part, but its zip headers claim it is 1 KiB;
 * - `pdf`: a one-page PDF whose Flate content stream decodes to `mib` MiB.
 */
export function makeBomb(kind: 'docx' | 'docx-lying' | 'xlsx' | 'pdf', mib: number): Buffer {
  const script = String.raw`
import io, struct, sys, zipfile, zlib
kind, mib = sys.argv[1], int(sys.argv[2])
chunk = b" " * (1 << 20)
if kind == "pdf":
    z = zlib.compressobj(9)
    body = b"".join(z.compress(chunk) for _ in range(mib)) + z.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n"); offs = []
    for i, o in enumerate(objs):
        offs.append(len(out)); out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out); out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs: out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    sys.stdout.buffer.write(bytes(out)); sys.exit(0)
part = "xl/worksheets/sheet1.xml" if kind == "xlsx" else "word/document.xml"
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
    zf.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>")
    with zf.open(part, "w", force_zip64=False) as f:
        f.write(b"<?xml version='1.0'?><root>")
        for _ in range(mib): f.write(chunk)
        f.write(b"</root>")
data = bytearray(buf.getvalue())
if kind == "docx-lying":
    name = part.encode()
    i = data.find(b"PK\x01\x02", 0)
    while i >= 0:
        n = struct.unpack_from("<H", data, i + 28)[0]
        if bytes(data[i + 46:i + 46 + n]) == name:
            struct.pack_into("<I", data, i + 24, 1024)
            off = struct.unpack_from("<I", data, i + 42)[0]
            struct.pack_into("<I", data, off + 22, 1024)
        i = data.find(b"PK\x01\x02", i + 4)
sys.stdout.buffer.write(bytes(data))
`;
  return execFileSync('python3', ['-c', script, kind, String(mib)], { maxBuffer: 64 * 1024 * 1024 });
}
