/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Returns the header and the records as objects. */
export function parseCsv(text: string): { header: string[]; records: Record<string, string>[] } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') (field += '"'), i++;
        else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field), (field = '');
      rows.push(row), (row = []);
    } else field += ch;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  const nonEmpty = rows.filter((r) => !(r.length === 1 && r[0] === ''));
  const header = (nonEmpty.shift() ?? []).map((h) => h.replace(/^\uFEFF/, '').trim());
  const records = nonEmpty.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k] ?? ''])));
  return { header, records };
}
