/**
 * The tariff CSV an administrator loads (one row per version of a tariff line). Every bad row is
 * named by its line and field; a file with one bad row loads nothing.
 *
 * conventional: `AGREEMENT:CC|CC=rate[+perUnit]` entries separated by `;`, e.g. `CHAFTA:AU=0;RCEP:JP|KR=0.06`.
 */
import { readCsv } from '../../kernel/csv.ts';
import { validateHsCode } from '../../kernel/hsCode.ts';
import { validateCountryCode } from '../../kernel/country.ts';
import { isoDate } from '../../kernel/wire.ts';
import type { ConventionalRate, Duty, TariffLine } from './rules.ts';

export const TARIFF_CSV_COLUMNS = [
  'code',
  'description',
  'unit',
  'validFrom',
  'validTo',
  'mfnRate',
  'mfnPerUnit',
  'generalRate',
  'generalPerUnit',
  'provisionalRate',
  'provisionalPerUnit',
  'provisionalTo',
  'conventional',
  'consumptionTaxRate',
  'consumptionTaxPerUnit',
  'vatRate',
] as const;
const REQUIRED = ['code', 'description', 'unit', 'validFrom', 'mfnRate', 'generalRate', 'vatRate'] as const;

export interface TariffFileError {
  /** 1-based line of the file; the header is line 1. */
  line: number;
  path: string;
  message: string;
  rule: string;
}

export interface ParsedTariff {
  rows: { line: number; row: TariffLine }[];
  errors: TariffFileError[];
}

// General rates go above 100% (wine 180%, cars 230%); consumption tax and VAT stay below 1.
const DUTY_RATE = /^\d{1,2}(\.\d{1,6})?$/;
const TAX_RATE = /^0(\.\d{1,6})?$/;
const PER_UNIT = /^\d{1,10}(\.\d{1,6})?$/;
const AGREEMENT = /^[A-Z0-9][A-Z0-9-]{1,19}$/;

type Cells = Record<string, string>;

class RowCheck {
  readonly errors: TariffFileError[] = [];
  constructor(
    private readonly line: number,
    private readonly cells: Cells,
  ) {}

  fail(path: string, rule: string, message: string): void {
    this.errors.push({ line: this.line, path, rule, message });
  }

  matching(field: string, pattern: RegExp, what: string): string | undefined {
    const v = this.cells[field];
    if (v !== undefined && !pattern.test(v)) this.fail(field, 'tariff.file.format', `${what}.`);
    return v;
  }

  date(field: string): string | undefined {
    const v = this.cells[field];
    if (v === undefined) return undefined;
    const r = isoDate.safeParse(v);
    if (!r.success) this.fail(field, 'tariff.file.date', 'Use a date YYYY-MM-DD.');
    return v;
  }

  duty(rateField: string, perUnitField: string): Duty | null {
    const rate = this.matching(rateField, DUTY_RATE, 'Use a rate as a decimal, 0.12 = 12% (at most 6 decimals)');
    const perUnit = this.matching(perUnitField, PER_UNIT, 'CNY per unit, a non-negative decimal');
    if (rate === undefined && perUnit === undefined) return null;
    if (rate === undefined) {
      this.fail(rateField, 'tariff.file.rateRequired', 'give the ad valorem part (0 for a specific duty).');
    }
    return { rate: rate ?? '0', ...(perUnit !== undefined ? { perUnit } : {}) };
  }

  conventional(): ConventionalRate[] {
    const v = this.cells.conventional;
    if (!v) return [];
    const out: ConventionalRate[] = [];
    const seen = new Set<string>();
    for (const entry of v
      .split(';')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const m = /^([^:]+):([^=]+)=([^+]+)(?:\+(.+))?$/.exec(entry);
      if (!m || !AGREEMENT.test(m[1]!) || !DUTY_RATE.test(m[3]!) || (m[4] !== undefined && !PER_UNIT.test(m[4]))) {
        this.fail('conventional', 'tariff.file.conventional', `"${entry}" is not AGREEMENT:CC|CC=rate[+perUnit].`);
        continue;
      }
      const origins = m[2]!.split('|').map((o) => o.trim());
      for (const o of origins) {
        const bad = validateCountryCode(o);
        if (bad) this.fail('conventional', bad.rule, bad.message);
        else if (seen.has(o)) this.fail('conventional', 'tariff.file.originTwice', `${o} is given two rates.`);
        seen.add(o);
      }
      out.push({ agreement: m[1]!, origins, rate: m[3]!, ...(m[4] !== undefined ? { perUnit: m[4] } : {}) });
    }
    return out;
  }
}

function parseRow(line: number, cells: Cells): { row: TariffLine | null; errors: TariffFileError[] } {
  const c = new RowCheck(line, cells);
  for (const f of REQUIRED) if (cells[f] === undefined) c.fail(f, 'tariff.file.required', `${f} is required.`);
  const code = cells.code;
  if (code !== undefined) {
    const bad = validateHsCode(code, 10);
    if (bad) c.fail('code', bad.rule, `${bad.message} (10 digits: HS 2022 and the national digits).`);
  }
  if ((cells.description?.length ?? 0) > 300) {
    c.fail('description', 'tariff.file.tooLong', 'A description of at most 300 characters.');
  }
  c.matching('unit', /^\S{1,12}$/, 'the unit of quantity, up to 12 characters without spaces, e.g. kg, L, unit');
  const validFrom = c.date('validFrom');
  const validTo = c.date('validTo');
  const provisionalTo = c.date('provisionalTo');
  if (validFrom && validTo && validTo <= validFrom) {
    c.fail('validTo', 'tariff.file.validTo', 'validTo must come after validFrom.');
  }
  if (validFrom && provisionalTo && provisionalTo <= validFrom) {
    c.fail('provisionalTo', 'tariff.file.provisionalTo', 'provisionalTo must come after validFrom.');
  }
  const mfn = c.duty('mfnRate', 'mfnPerUnit');
  const general = c.duty('generalRate', 'generalPerUnit');
  const provisional = c.duty('provisionalRate', 'provisionalPerUnit');
  if (provisionalTo && !provisional) {
    c.fail('provisionalTo', 'tariff.file.provisionalTo', 'provisionalTo without a provisional rate.');
  }
  const conventional = c.conventional();
  const ctRate = c.matching('consumptionTaxRate', TAX_RATE, 'a rate from 0 to below 1');
  const ctPerUnit = c.matching('consumptionTaxPerUnit', PER_UNIT, 'CNY per unit, a non-negative decimal');
  const vatRate = c.matching('vatRate', TAX_RATE, 'a rate from 0 to below 1, e.g. 0.13');
  if (c.errors.length) return { row: null, errors: c.errors };
  const consumptionTax =
    ctRate === undefined && ctPerUnit === undefined
      ? null
      : { rate: ctRate ?? '0', ...(ctPerUnit !== undefined ? { perUnit: ctPerUnit } : {}) };
  return {
    row: {
      code: code!,
      description: cells.description!,
      unit: cells.unit!,
      validFrom: validFrom!,
      validTo: validTo ?? null,
      mfn: mfn!,
      general: general!,
      provisional,
      provisionalTo: provisionalTo ?? null,
      conventional,
      consumptionTax,
      vatRate: vatRate!,
    },
    errors: [],
  };
}

/** Reads a tariff CSV; a code and validFrom given twice is an error on the second line. */
export function parseTariffCsv(text: string): ParsedTariff {
  const { header, records } = readCsv(text);
  const missing = REQUIRED.filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !(TARIFF_CSV_COLUMNS as readonly string[]).includes(h));
  if (missing.length || unknown.length) {
    const problems = [...missing.map((c) => `column ${c} is missing`), ...unknown.map((c) => `column ${c} is unknown`)];
    const columns = `${TARIFF_CSV_COLUMNS.join(', ')} (required: ${REQUIRED.join(', ')})`;
    const message = `The header names ${columns}: ${problems.join('; ')}.`;
    return { rows: [], errors: [{ line: 1, path: 'header', rule: 'tariff.file.header', message }] };
  }
  const rows: ParsedTariff['rows'] = [];
  const errors: TariffFileError[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of records) {
    const r = parseRow(line, cells);
    errors.push(...r.errors);
    if (!r.row) continue;
    const key = `${r.row.code}@${r.row.validFrom}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const message = `${key} is already on line ${earlier}; keep one.`;
      errors.push({ line, path: 'code', rule: 'tariff.file.twice', message });
      continue;
    }
    seen.set(key, line);
    rows.push({ line, row: r.row });
  }
  if (!rows.length && !errors.length) {
    errors.push({ line: 1, path: 'csv', rule: 'tariff.file.empty', message: 'The file holds no tariff lines.' });
  }
  return { rows, errors };
}
