import { readCsv } from '../../kernel/csv.ts';
import { D } from './money.ts';
import { rateRow, type RateRow } from './wire.ts';

export const RATE_CSV_COLUMNS = ['currency', 'rateDate', 'rate', 'unit', 'quote', 'source'] as const;
const REQUIRED = ['currency', 'rateDate', 'rate'] as const;

export interface RateFileError {
  /** 1-based line of the file; the header is line 1. */
  line: number;
  path: string;
  message: string;
  rule: string;
}

export interface ParsedRates {
  rows: { line: number; row: RateRow }[];
  errors: RateFileError[];
}

const sameRate = (a: RateRow, b: RateRow) => new D(a.rate).eq(b.rate) && a.unit === b.unit && a.quote === b.quote;

/**
 * Reads an exchange-rate CSV (currency,rateDate,rate[,unit][,quote][,source]). Every bad row is
 * reported by its line; a currency and day given twice with different rates is an error on the
 * second line, the same rate twice is kept once.
 */
export function parseRateCsv(text: string, defaultSource?: string): ParsedRates {
  const { header, records } = readCsv(text);
  const errors: RateFileError[] = [];
  const missing = REQUIRED.filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !(RATE_CSV_COLUMNS as readonly string[]).includes(h));
  if (missing.length || unknown.length) {
    const problems = [...missing.map((c) => `column ${c} is missing`), ...unknown.map((c) => `column ${c} is unknown`)];
    return {
      rows: [],
      errors: [
        {
          line: 1,
          path: 'header',
          rule: 'tax.rates.header',
          message:
            `The header must name ${RATE_CSV_COLUMNS.join(', ')} (the first three required): ` +
            `${problems.join('; ')}.`,
        },
      ],
    };
  }
  const rows: ParsedRates['rows'] = [];
  const seen = new Map<string, { line: number; row: RateRow }>();
  for (const { line, cells } of records) {
    const parsed = rateRow.safeParse({
      ...cells,
      ...(cells.source || !defaultSource ? {} : { source: defaultSource }),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const rule = (issue as { params?: { rule?: string } }).params?.rule ?? `schema.${issue.code}`;
        errors.push({ line, path: issue.path.join('.') || 'row', message: issue.message, rule });
      }
      continue;
    }
    const key = `${parsed.data.currency}@${parsed.data.rateDate}`;
    const earlier = seen.get(key);
    if (earlier) {
      if (!sameRate(earlier.row, parsed.data))
        errors.push({
          line,
          path: 'rate',
          rule: 'tax.rates.conflictInFile',
          message: `${key} is already on line ${earlier.line} with another rate; keep one.`,
        });
      continue;
    }
    seen.set(key, { line, row: parsed.data });
    rows.push({ line, row: parsed.data });
  }
  if (!rows.length && !errors.length)
    errors.push({ line: 1, path: 'csv', rule: 'tax.rates.empty', message: 'The file holds no rates.' });
  return { rows, errors };
}
