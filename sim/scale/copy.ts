import type { Database } from '../../src/platform/db/client.ts';

/** A row for COPY: each column's text as PostgreSQL reads it, null for NULL. */
export type CopyRow = (string | null)[];

/** What a bulk transaction can do: run a statement, and COPY rows into a table. */
export interface BulkTx {
  rows<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  copy(table: string, columns: string, rows: readonly CopyRow[]): Promise<void>;
}

export interface BulkWriter {
  transaction<T>(fn: (tx: BulkTx) => Promise<T>): Promise<T>;
}

/** COPY's text format: tab between columns, \N for NULL, backslash, tab and line breaks escaped. */
export function copyText(rows: readonly CopyRow[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (i) out += '\t';
      out += v === null || v === undefined ? '\\N' : escapeCopy(v);
    }
    out += '\n';
  }
  return out;
}

const escapeCopy = (v: string) =>
  /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;

/** Rows a COPY statement sends at a time (bounds the text held in memory). */
const CHUNK = 20_000;

/**
 * Bulk writes on either database: `COPY … FROM STDIN` through postgres.js on PostgreSQL, and
 * PGlite's COPY from a blob (`/dev/blob`) on the embedded database; one transaction per call.
 */
export function bulkWriter(database: Database): BulkWriter {
  if (database.kind === 'postgres') {
    const client = database.postgres!;
    return {
      transaction: <T>(fn: (tx: BulkTx) => Promise<T>) =>
        client.begin(async (sql) => {
          const tx: BulkTx = {
            rows: async <R>(text: string, params: unknown[] = []) =>
              (await sql.unsafe(text, params as never[])) as unknown as R[],
            copy: async (table, columns, rows) => {
              for (let i = 0; i < rows.length; i += CHUNK) {
                const stream = await sql.unsafe(`copy ${table} (${columns}) from stdin`).writable();
                await new Promise<void>((resolve, reject) => {
                  stream.on('error', reject);
                  stream.on('finish', resolve);
                  stream.end(copyText(rows.slice(i, i + CHUNK)));
                });
              }
            },
          };
          return fn(tx);
        }) as Promise<T>,
    };
  }
  const pg = database.pglite!;
  return {
    transaction: <T>(fn: (tx: BulkTx) => Promise<T>) =>
      pg.transaction(async (t) => {
        const tx: BulkTx = {
          rows: async <R>(text: string, params: unknown[] = []) => (await t.query<R>(text, params)).rows,
          copy: async (table, columns, rows) => {
            for (let i = 0; i < rows.length; i += CHUNK) {
              const blob = new Blob([copyText(rows.slice(i, i + CHUNK))]);
              await t.query(`copy ${table} (${columns}) from '/dev/blob'`, [], { blob });
            }
          },
        };
        return fn(tx);
      }),
  };
}
