import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { splitCsvLine } from '../../kernel/csv.ts';
import { creditInputBody } from './wire.ts';
import type { ImportError, RecordInputRequest } from './service.ts';

/** CSV columns of a credit backfill; NDJSON lines carry the same shape as POST /api/v1/credit/inputs. */
export const CSV_COLUMNS = ['subjectKind', 'subject', 'source', 'effectiveDate', 'reference', 'type', 'department', 'level', 'isLowestLevel', 'kind', 'action'] as const;

function csvRecord(cells: string[], header: string[]): unknown {
  const v = (name: string) => {
    const i = header.indexOf(name);
    const s = i >= 0 ? cells[i]?.trim() : undefined;
    return s === '' ? undefined : s;
  };
  const type = v('type');
  const input =
    type === 'SECTOR_RATING'
      ? { type, department: v('department'), level: v('level'), isLowestLevel: v('isLowestLevel') === 'true' ? true : v('isLowestLevel') === 'false' ? false : v('isLowestLevel') }
      : type === 'EVENT'
        ? { type, kind: v('kind') }
        : { type, action: v('action') };
  return { subjectKind: v('subjectKind'), subject: v('subject'), source: v('source'), effectiveDate: v('effectiveDate'), ...(v('reference') ? { reference: v('reference') } : {}), input };
}

/** Reads and validates a CSV or NDJSON file line by line; invalid lines become errors with their line number. */
export async function readCreditFile(path: string): Promise<{ records: { line: number; record: RecordInputRequest }[]; errors: ImportError[] }> {
  const csv = path.toLowerCase().endsWith('.csv');
  const records: { line: number; record: RecordInputRequest }[] = [];
  const errors: ImportError[] = [];
  let header: string[] | null = null;
  let n = 0;
  for await (const raw of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    n++;
    const line = raw.replace(/^\uFEFF/, '');
    if (!line.trim()) continue;
    let value: unknown;
    if (csv) {
      if (!header) {
        header = splitCsvLine(line).map((h) => h.trim());
        continue;
      }
      value = csvRecord(splitCsvLine(line), header);
    } else {
      try {
        value = JSON.parse(line);
      } catch {
        errors.push({ line: n, path: '', message: 'Not valid JSON.' });
        continue;
      }
    }
    const parsed = creditInputBody.safeParse(value);
    if (parsed.success) records.push({ line: n, record: parsed.data });
    else for (const issue of parsed.error.issues.slice(0, 3)) errors.push({ line: n, path: issue.path.join('.'), message: issue.message });
  }
  return { records, errors };
}
