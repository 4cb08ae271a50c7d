/**
 * The data class of every stored column (数据分类分级), written next to each module's schema as
 * `classification.ts` with `classify(table, { core, important, general })`, and collected in
 * src/modules/classification.ts. A test reads the Drizzle schema objects and fails when a column of
 * any table has no class, or two; docs/data-classification.md is generated from the same list.
 */
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DataClass } from '../../kernel/dataClass.ts';

export interface TableClasses {
  /** The SQL table name. */
  table: string;
  /** SQL column name → class. */
  columns: Readonly<Record<string, DataClass>>;
  /** Why, in a sentence, for the docs. */
  note: string;
}

type ColumnKey<T extends PgTable> = keyof T['_']['columns'] & string;

/** Classes a table's columns by their schema keys (typed: a key the table does not have is a compile error). */
export function classify<T extends PgTable>(
  table: T,
  classes: { core?: readonly ColumnKey<T>[]; important?: readonly ColumnKey<T>[]; general?: readonly ColumnKey<T>[] },
  note: string,
): TableClasses {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const out: Record<string, DataClass> = {};
  const put = (keys: readonly string[] | undefined, c: DataClass) => {
    for (const key of keys ?? []) {
      const sqlName = columns[key]!.name;
      if (out[sqlName]) throw new Error(`${getTableName(table)}.${sqlName} is classed twice (${out[sqlName]}, ${c}).`);
      out[sqlName] = c;
    }
  };
  put(classes.core, 'CORE');
  put(classes.important, 'IMPORTANT');
  put(classes.general, 'GENERAL');
  return { table: getTableName(table), columns: out, note };
}
