/**
 * CSV as administrators export it from a spreadsheet (RFC 4180 without line breaks inside fields):
 * comma-separated, fields optionally quoted, a quote inside quotes doubled, a BOM and CRLF tolerated.
 */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

export interface CsvRecord {
  /** 1-based line number in the file (the header is line 1): what an error message points at. */
  line: number;
  /** Trimmed cells by header name; an empty cell is absent. */
  cells: Record<string, string>;
}

/** Header line first; blank lines and lines starting with # are skipped. */
export function readCsv(text: string): { header: string[]; records: CsvRecord[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: string[] | null = null;
  const records: CsvRecord[] = [];
  lines.forEach((raw, i) => {
    if (!raw.trim() || raw.trimStart().startsWith('#')) return;
    const cells = splitCsvLine(raw).map((c) => c.trim());
    if (!header) {
      header = cells;
      return;
    }
    const record: Record<string, string> = {};
    header.forEach((name, k) => {
      if (cells[k]) record[name] = cells[k]!;
    });
    records.push({ line: i + 1, cells: record });
  });
  return { header: header ?? [], records };
}
