import type { ReactNode } from 'react';

export interface Column<T> {
  /** Column id (also its test id suffix). */
  key: string;
  header: ReactNode;
  cell: (row: T, index: number) => ReactNode;
  numeric?: boolean;
  /** Hidden on phones (the row stays readable without it). */
  secondary?: boolean;
  /** Data as people typed it (names, free text): not the interface's own words. */
  raw?: boolean;
}

/**
 * The app's table: a caption for screen readers, numeric columns aligned right, secondary columns
 * dropped on phones, and a horizontal scroller of its own so a wide table never widens the page.
 * Rows open by their first cell's link (reachable by keyboard), never by a click on the row alone.
 */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  caption,
  empty,
  testId,
  rowTestId,
  onRowClick,
}: {
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  caption: string;
  empty: string;
  testId?: string;
  rowTestId?: (row: T, index: number) => string;
  /** A pointer shortcut only: each row must also hold a link or button for the keyboard. */
  onRowClick?: (row: T) => void;
}) {
  return (
    <div className="table-scroll">
      <table className={onRowClick ? 'table clickable' : 'table'} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={cls(c)}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="muted">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row, i) => (
              <tr key={rowKey(row)} data-testid={rowTestId?.(row, i)} onClick={onRowClick && (() => onRowClick(row))}>
                {columns.map((c) => (
                  <td key={c.key} className={cls(c)} data-raw={c.raw || undefined}>
                    {c.cell(row, i)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

const cls = (c: { numeric?: boolean; secondary?: boolean }) =>
  [c.numeric ? 'num' : '', c.secondary ? 'secondary' : ''].filter(Boolean).join(' ') || undefined;

/** Previous / next over a list the server pages, with where we are. */
export function Pager({
  page,
  pageSize,
  total,
  onPage,
  label,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  label: { prev: string; next: string; status: string };
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label={label.status}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)} data-testid="pager-prev">
        {label.prev}
      </button>
      <span data-testid="pager-status">{label.status}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)} data-testid="pager-next">
        {label.next}
      </button>
    </nav>
  );
}
