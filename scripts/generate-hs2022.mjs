// Builds src/kernel/data/hs2022.json from the WCO HS 2022 nomenclature CSV (public domain, PDDL):
//   node scripts/generate-hs2022.mjs path/to/harmonized-system.csv
// The JSON is committed so a fresh clone needs no data folder.
import { readFileSync, writeFileSync } from 'node:fs';

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field.replace(/\r$/, '')), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

const source = process.argv[2] ?? '../shared/data/hs2022/harmonized-system.csv';
const [header, ...rows] = parseCsv(readFileSync(source, 'utf8'));
const idx = Object.fromEntries(header.map((h, i) => [h.trim(), i]));
const codes = {};
for (const r of rows) {
  const code = r[idx.hscode];
  if (!code || !/^\d{2}(\d{2})?(\d{2})?$/.test(code)) continue;
  codes[code] = [r[idx.section], r[idx.description]];
}
writeFileSync(
  'src/kernel/data/hs2022.json',
  JSON.stringify({ source: 'WCO Harmonized System 2022 (PDDL)', codes }) + '\n',
);
console.log(`hs2022.json: ${Object.keys(codes).length} codes`);
