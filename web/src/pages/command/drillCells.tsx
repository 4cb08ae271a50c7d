/** How a drill-down cell is read from a row: times, ports, declarations, enterprises, labelled codes, durations. */
import type { ReactNode } from 'react';
import type { Lang } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { formatDateTime, formatDuration } from '../../format.ts';
import { PORT_NAMES } from '../../api/ports.ts';
import type { DrillRow } from '../../api/wire.ts';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

export interface Column {
  key: MessageKey;
  cell: (r: DrillRow, t: T, lang: Lang) => ReactNode;
  num?: boolean;
}

export const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export const time = (field: string) => (r: DrillRow, _t: T, lang: Lang) => formatDateTime(str(r[field]) || null, lang);

export const port = (r: DrillRow, _t: T, lang: Lang) =>
  (PORT_NAMES[str(r.portCode)] ?? [str(r.portCode), str(r.portCode)])[lang === 'zh-CN' ? 0 : 1];

export const declaration = (field: string) => (r: DrillRow) => (
  <a href={`#/declarations/${str(r[field])}`} className="mono">
    {str(r[field]).slice(-8)}
  </a>
);

export const enterprise = (r: DrillRow) => str(r.enterprise).split(/ (?=[A-Z])/)[0] || str(r.uscc);

export const label = (prefix: string, field: string) => (r: DrillRow, t: T) =>
  r[field] === null ? '—' : t(`${prefix}.${str(r[field])}` as MessageKey);

export const codes = (prefix: string) => (r: DrillRow, t: T) =>
  str(r.reasons)
    .split(',')
    .filter(Boolean)
    .map((c) => t(`${prefix}.${c}` as MessageKey))
    .join('、') || '—';

export const secondsBetween = (from: string, to: string) => (r: DrillRow, _t: T, lang: Lang) => {
  const a = Date.parse(str(r[from]));
  const b = Date.parse(str(r[to]));
  return Number.isNaN(a) || Number.isNaN(b) ? '—' : formatDuration(Math.round((b - a) / 1000), lang);
};
