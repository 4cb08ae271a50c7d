/**
 * The prohibited and restricted goods list as an administrator loads it (CSV, one entry per row).
 * Every bad row is named by its line and field; a file with one bad row loads nothing.
 *
 * Columns: hsPrefix, keywords (separated by |), measure (PROHIBITED | RESTRICTED), licenceType
 * (required when RESTRICTED), direction (IMPORT | EXPORT | BOTH), validFrom, validTo, description,
 * legalBasis.
 */
import { readCsv } from '../../kernel/csv.ts';
import { isoDate } from '../../kernel/wire.ts';
import { validateHsCode } from '../../kernel/hsCode.ts';
import { DIRECTIONS, MEASURES, entryKey, type Direction, type Measure, type RestrictedEntry } from './rules.ts';

export const LIST_CSV_COLUMNS = [
  'hsPrefix',
  'keywords',
  'measure',
  'licenceType',
  'direction',
  'validFrom',
  'validTo',
  'description',
  'legalBasis',
] as const;
const REQUIRED = ['measure', 'direction', 'validFrom', 'description'] as const;

export interface ListFileError {
  line: number;
  path: string;
  rule: string;
  message: string;
}

const LICENCE_TYPE = /^[A-Z][A-Z0-9_]{1,39}$/;

function parseRow(line: number, c: Record<string, string>): { row: RestrictedEntry | null; errors: ListFileError[] } {
  const errors: ListFileError[] = [];
  const fail = (path: string, rule: string, message: string) => errors.push({ line, path, rule, message });
  for (const f of REQUIRED) if (c[f] === undefined) fail(f, 'restricted.file.required', `${f} is required.`);
  const hsPrefix = c.hsPrefix ?? null;
  if (hsPrefix !== null) {
    if (!/^\d{2,10}$/.test(hsPrefix)) fail('hsPrefix', 'restricted.file.hsPrefix', 'An HS prefix of 2 to 10 digits.');
    else if (hsPrefix.length >= 6) {
      const bad = validateHsCode(hsPrefix.slice(0, 6), 6);
      if (bad) fail('hsPrefix', bad.rule, bad.message);
    }
  }
  const keywords = (c.keywords ?? '')
    .split('|')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keywords.some((k) => k.length > 60))
    fail('keywords', 'restricted.file.keyword', 'Keywords of at most 60 characters.');
  if (hsPrefix === null && keywords.length === 0) {
    fail('hsPrefix', 'restricted.file.nothingToMatch', 'Give an HS prefix, keywords, or both.');
  }
  const measure = c.measure as Measure | undefined;
  if (measure !== undefined && !MEASURES.includes(measure)) {
    fail('measure', 'restricted.file.measure', `measure is one of ${MEASURES.join(', ')}.`);
  }
  const direction = c.direction as Direction | undefined;
  if (direction !== undefined && !DIRECTIONS.includes(direction)) {
    fail('direction', 'restricted.file.direction', `direction is one of ${DIRECTIONS.join(', ')}.`);
  }
  const licenceType = c.licenceType ?? null;
  if (measure === 'RESTRICTED' && licenceType === null) {
    fail('licenceType', 'restricted.file.licenceType', 'A restricted entry names the licence it requires.');
  }
  if (measure === 'PROHIBITED' && licenceType !== null) {
    fail('licenceType', 'restricted.file.licenceType', 'Prohibited goods take no licence; leave licenceType empty.');
  }
  if (licenceType !== null && !LICENCE_TYPE.test(licenceType)) {
    fail('licenceType', 'restricted.file.licenceType', 'A licence type in capitals, e.g. IMPORT_LICENCE.');
  }
  for (const f of ['validFrom', 'validTo'] as const) {
    if (c[f] !== undefined && !isoDate.safeParse(c[f]).success) fail(f, 'restricted.file.date', 'Use YYYY-MM-DD.');
  }
  if (c.validFrom && c.validTo && c.validTo <= c.validFrom) {
    fail('validTo', 'restricted.file.validTo', 'validTo must come after validFrom.');
  }
  if ((c.description?.length ?? 0) > 300) fail('description', 'restricted.file.tooLong', 'At most 300 characters.');
  if ((c.legalBasis?.length ?? 0) > 300) fail('legalBasis', 'restricted.file.tooLong', 'At most 300 characters.');
  if (errors.length) return { row: null, errors };
  return {
    row: {
      hsPrefix,
      keywords,
      measure: measure!,
      licenceType,
      direction: direction!,
      validFrom: c.validFrom!,
      validTo: c.validTo ?? null,
      description: c.description!,
      legalBasis: c.legalBasis ?? null,
    },
    errors,
  };
}

export function parseRestrictedCsv(text: string): { rows: RestrictedEntry[]; errors: ListFileError[] } {
  const { header, records } = readCsv(text);
  const missing = REQUIRED.filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !(LIST_CSV_COLUMNS as readonly string[]).includes(h));
  if (missing.length || unknown.length) {
    const what = [...missing.map((c) => `column ${c} is missing`), ...unknown.map((c) => `column ${c} is unknown`)];
    const message = `The header names ${LIST_CSV_COLUMNS.join(', ')}: ${what.join('; ')}.`;
    return { rows: [], errors: [{ line: 1, path: 'header', rule: 'restricted.file.header', message }] };
  }
  const rows: RestrictedEntry[] = [];
  const errors: ListFileError[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of records) {
    const r = parseRow(line, cells);
    errors.push(...r.errors);
    if (!r.row) continue;
    const key = entryKey(r.row);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push({ line, path: 'hsPrefix', rule: 'restricted.file.twice', message: `Same entry as line ${earlier}.` });
      continue;
    }
    seen.set(key, line);
    rows.push(r.row);
  }
  if (!rows.length && !errors.length) {
    errors.push({ line: 1, path: 'csv', rule: 'restricted.file.empty', message: 'The file holds no entries.' });
  }
  return { rows, errors };
}
