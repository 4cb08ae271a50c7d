import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { z } from 'zod';
import { splitCsvLine } from '../../kernel/csv.ts';
import { creditInputBody } from './wire.ts';
import type { RecordInputRequest } from './service/inputs.ts';
import type { LineError } from './service/import-batch.ts';

/** CSV columns of a credit backfill; NDJSON lines carry the same shape as POST /api/v1/credit/inputs. */
export const CSV_COLUMNS = [
  'inputId',
  'subjectKind',
  'subject',
  'source',
  'effectiveDate',
  'reference',
  'type',
  'department',
  'level',
  'isLowestLevel',
  'kind',
  'action',
] as const;
const REQUIRED_CSV_COLUMNS = ['subjectKind', 'subject', 'source', 'effectiveDate', 'type'];

/** A CSV row as the JSON body it stands for; the body schema then checks it like an API request. */
function csvRecord(cells: string[], column: ReadonlyMap<string, number>): unknown {
  const v = (name: string) => {
    const i = column.get(name);
    const s = i === undefined ? undefined : cells[i]?.trim();
    return s === '' ? undefined : s;
  };
  const type = v('type');
  const lowest = v('isLowestLevel');
  const input =
    type === 'SECTOR_RATING'
      ? {
          type,
          department: v('department'),
          level: v('level'),
          isLowestLevel: lowest === 'true' ? true : lowest === 'false' ? false : lowest,
        }
      : type === 'EVENT'
        ? { type, kind: v('kind') }
        : type === 'AEO'
          ? { type, action: v('action') }
          : { type };
  const optional = (name: string) => (v(name) === undefined ? {} : { [name]: v(name) });
  return {
    ...optional('inputId'),
    subjectKind: v('subjectKind'),
    subject: v('subject'),
    source: v('source'),
    effectiveDate: v('effectiveDate'),
    ...optional('reference'),
    input,
  };
}

/** Zod issues as field errors with the rule, like the API's problem+json. */
export function issueErrors(line: number, issues: readonly z.core.$ZodIssue[]): LineError[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((k) => ({
        line,
        path: path ? `${path}.${k}` : k,
        rule: 'schema.unrecognizedKey',
        message: 'Unknown field; remove it.',
      }));
    const rule = (issue as { params?: { rule?: string } }).params?.rule ?? `schema.${issue.code}`;
    return [{ line, path, rule, message: issue.message }];
  });
}

/**
 * Lines of a file, read with back-pressure (a slow consumer never makes the whole file pile up in
 * memory). `onChunk` sees every raw chunk once.
 */
async function* lines(path: string, onChunk?: (chunk: Buffer) => void): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    onChunk?.(chunk as Buffer);
    const text = rest + decoder.write(chunk as Buffer);
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  rest += decoder.end();
  if (rest) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

export interface ParsedLine {
  line: number;
  /** The line as read (without its line break). */
  raw: string;
  record: RecordInputRequest | null;
  errors: LineError[];
}

/**
 * Reads a backfill file line by line, in constant memory: NDJSON (one API body per line) or, for a
 * `.csv` name, CSV with a header row naming CSV_COLUMNS. Every non-empty data line yields once, with
 * its record or its errors. `onChunk` sees the raw bytes (for the file digest and progress).
 * `checked`: the lines were validated before and the caller verifies they are unchanged (by digest),
 * so the schema is not run again.
 */
export async function* readCreditFile(
  path: string,
  opts: { onChunk?: (chunk: Buffer) => void; checked?: boolean } = {},
): AsyncGenerator<ParsedLine> {
  const csv = path.toLowerCase().endsWith('.csv');
  let column: Map<string, number> | null = null;
  let n = 0;
  for await (const raw of lines(path, opts.onChunk)) {
    n++;
    const line = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!line.trim()) continue;
    let value: unknown;
    if (csv) {
      if (!column) {
        const header = splitCsvLine(line).map((h) => h.trim());
        column = new Map(header.map((h, i) => [h, i]));
        const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
        const missing = REQUIRED_CSV_COLUMNS.filter((h) => !column!.has(h));
        if (unknown.length || missing.length) {
          const errors = [
            ...unknown.map((h) => ({
              line: n,
              path: h,
              rule: 'credit.csvHeader',
              message: `Unknown column "${h}"; the columns are ${CSV_COLUMNS.join(', ')}.`,
            })),
            ...missing.map((h) => ({
              line: n,
              path: h,
              rule: 'credit.csvHeader',
              message: `Column "${h}" is missing from the header.`,
            })),
          ];
          yield { line: n, raw: line, record: null, errors };
          return;
        }
        continue;
      }
      value = csvRecord(splitCsvLine(line), column);
    } else {
      try {
        value = JSON.parse(line);
      } catch {
        yield {
          line: n,
          raw: line,
          record: null,
          errors: [
            { line: n, path: '', rule: 'credit.ndjson', message: 'Not valid JSON: each line must be one JSON object.' },
          ],
        };
        continue;
      }
    }
    if (opts.checked) {
      yield { line: n, raw: line, record: value as RecordInputRequest, errors: [] };
      continue;
    }
    const parsed = creditInputBody.safeParse(value);
    yield parsed.success
      ? { line: n, raw: line, record: parsed.data, errors: [] }
      : { line: n, raw: line, record: null, errors: issueErrors(n, parsed.error.issues) };
  }
}
