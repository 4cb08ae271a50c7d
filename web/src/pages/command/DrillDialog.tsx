import { useEffect, useRef, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n, type Lang } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { formatDateTime, formatDuration, formatMoney } from '../../format.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { PORT_NAMES } from '../../api/ports.ts';
import type { DrillRequest, DrillResult, DrillRow, WindowName } from '../../api/wire.ts';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;
interface Column {
  key: MessageKey;
  cell: (r: DrillRow, t: T, lang: Lang) => ReactNode;
  num?: boolean;
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const time = (field: string) => (r: DrillRow, _t: T, lang: Lang) => formatDateTime(str(r[field]) || null, lang);
const port = (r: DrillRow, _t: T, lang: Lang) =>
  (PORT_NAMES[str(r.portCode)] ?? [str(r.portCode), str(r.portCode)])[lang === 'zh-CN' ? 0 : 1];
const declaration = (field: string) => (r: DrillRow) => (
  <a href={`#/declarations/${str(r[field])}`} className="mono">
    {str(r[field]).slice(-8)}
  </a>
);
const enterprise = (r: DrillRow) => str(r.enterprise).split(/ (?=[A-Z])/)[0] || str(r.uscc);
const label = (prefix: string, field: string) => (r: DrillRow, t: T) =>
  r[field] === null ? '—' : t(`${prefix}.${str(r[field])}` as MessageKey);
const codes = (prefix: string) => (r: DrillRow, t: T) =>
  str(r.reasons)
    .split(',')
    .filter(Boolean)
    .map((c) => t(`${prefix}.${c}` as MessageKey))
    .join('、') || '—';
const secondsBetween = (from: string, to: string) => (r: DrillRow, _t: T, lang: Lang) => {
  const a = Date.parse(str(r[from]));
  const b = Date.parse(str(r[to]));
  return Number.isNaN(a) || Number.isNaN(b) ? '—' : formatDuration(Math.round((b - a) / 1000), lang);
};

const COLUMNS: Record<DrillResult['panel'], Column[]> = {
  gate: [
    { key: 'command.col.time', cell: time('occurredAt') },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.lane', cell: (r) => str(r.laneCode).replace(/^.*-L/, 'L') },
    { key: 'command.col.plate', cell: (r) => str(r.plate) },
    { key: 'command.col.decision', cell: label('command.decision', 'decision') },
    { key: 'command.col.reasons', cell: codes('gate.reason') },
    {
      key: 'command.col.document',
      cell: (r) =>
        r.inspectionTaskId ? (
          <a href={`#/inspection/${str(r.inspectionTaskId)}`}>{str(r.inspectionTaskId).slice(-8)}</a>
        ) : (
          '—'
        ),
    },
  ],
  declarations: [
    { key: 'command.col.time', cell: time('createdAt') },
    { key: 'command.col.document', cell: declaration('id') },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.kind', cell: label('decl.kind', 'kind') },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.state', cell: label('decl.state', 'state') },
  ],
  held: [
    { key: 'command.col.time', cell: time('updatedAt') },
    { key: 'command.col.document', cell: declaration('id') },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.state', cell: label('decl.state', 'state') },
  ],
  inspections: [
    {
      key: 'command.col.time',
      cell: (r, t, lang) => <a href={`#/inspection/${str(r.id)}`}>{formatDateTime(str(r.createdAt), lang)}</a>,
    },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.source', cell: label('command.source', 'source') },
    { key: 'command.col.status', cell: label('command.task', 'status') },
    { key: 'command.col.assignee', cell: (r) => str(r.assignee) || '—' },
    { key: 'command.col.reasons', cell: codes('gate.reason') },
    {
      key: 'command.col.document',
      cell: (r) =>
        r.documentType === 'SECOND_LINE_EXIT' || r.documentType === 'BATCH_EXIT' ? (
          declaration('documentId')(r)
        ) : (
          <span className="mono">{str(r.documentId).slice(-12)}</span>
        ),
    },
  ],
  alerts: [
    { key: 'command.col.time', cell: time('createdAt') },
    {
      key: 'command.col.level',
      cell: (r, t) => (
        <span className={`level level-${str(r.level)}`}>{t(`risk.level.${str(r.level)}` as MessageKey)}</span>
      ),
    },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.score', cell: (r) => str(r.score), num: true },
    { key: 'command.col.class', cell: label('class', 'creditClass') },
    {
      key: 'command.col.document',
      cell: (r) => (
        <a href={`#/risk/decision/${str(r.declarationId)}`} className="mono">
          {str(r.declarationId).slice(-8)}
        </a>
      ),
    },
  ],
  taxBills: [
    { key: 'command.col.time', cell: time('issuedAt') },
    { key: 'command.col.billNo', cell: (r) => <span className="mono">{str(r.billNo)}</span> },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.kind', cell: (r) => str(r.kind) },
    { key: 'command.col.total', cell: (r, _t, lang) => formatMoney(str(r.total), lang), num: true },
    { key: 'command.col.document', cell: declaration('declarationId') },
  ],
  clearance: [
    { key: 'command.col.exited', cell: time('exitedAt') },
    { key: 'command.col.document', cell: declaration('id') },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.port', cell: port },
    { key: 'command.col.submitted', cell: time('submittedAt') },
    { key: 'command.col.released', cell: time('releasedAt') },
    { key: 'command.col.toExit', cell: secondsBetween('submittedAt', 'exitedAt'), num: true },
  ],
  credit: [
    { key: 'command.col.time', cell: time('createdAt') },
    { key: 'command.col.class', cell: label('class', 'creditClass') },
    {
      key: 'command.col.level',
      cell: (r, t) => (
        <span className={`level level-${str(r.level)}`}>{t(`risk.level.${str(r.level)}` as MessageKey)}</span>
      ),
    },
    { key: 'command.col.enterprise', cell: enterprise },
    { key: 'command.col.selected', cell: (r, t) => t(r.selected ? 'common.yes' : 'common.no') },
    { key: 'command.col.outcome', cell: label('command.outcome', 'outcome') },
    {
      key: 'command.col.document',
      cell: (r) => (
        <a href={`#/risk/decision/${str(r.declarationId)}`} className="mono">
          {str(r.declarationId).slice(-8)}
        </a>
      ),
    },
  ],
};

/** The list behind a number: a modal dialog (Esc or the button closes it; focus moves in and back). */
export function DrillDialog({
  request,
  window,
  onClose,
}: {
  request: DrillRequest;
  window: WindowName;
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const dialog = useRef<HTMLDivElement>(null);
  const query = new URLSearchParams({ panel: request.panel, window });
  for (const [k, v] of Object.entries(request.params ?? {})) if (v !== undefined) query.set(k, String(v));
  const q = useQuery({
    queryKey: ['command-drill', query.toString()],
    queryFn: () => api<DrillResult>('GET', `/api/v1/command/drill?${query}`),
  });

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    dialog.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus();
    };
  }, [onClose]);

  const panelTitle = t(`command.drill.title.${request.panel}` as MessageKey);
  const title = request.subtitle ? `${panelTitle} · ${request.subtitle}` : panelTitle;
  const columns = COLUMNS[request.panel];
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: closes on a click outside
    <div className="cc-overlay" onClick={onClose}>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: only keeps a click inside the dialog from closing it */}
      <div
        className="cc-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        tabIndex={-1}
        ref={dialog}
        onClick={(e) => e.stopPropagation()}
        data-testid="cc-drill"
      >
        <div className="cc-dialog-head">
          <h2>{title}</h2>
          <button type="button" onClick={onClose} data-testid="cc-drill-close">
            {t('command.drill.close')}
          </button>
        </div>
        {q.isLoading && <Spinner />}
        {q.error && <ErrorBox error={q.error} onRetry={() => q.refetch()} />}
        {q.data && (
          <>
            <p className="muted" data-testid="cc-drill-total">
              {t('command.drill.shown', { total: q.data.total, shown: q.data.items.length })}
            </p>
            {q.data.items.length === 0 ? (
              <p>{t('command.drill.empty')}</p>
            ) : (
              <div className="cc-table-wrap">
                <table className="table" data-testid="cc-drill-table">
                  <thead>
                    <tr>
                      {columns.map((c) => (
                        <th key={c.key} className={c.num ? 'num' : undefined}>
                          {t(c.key)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {q.data.items.map((r, i) => (
                      <tr key={i}>
                        {columns.map((c) => (
                          <td key={c.key} className={c.num ? 'num' : undefined}>
                            {c.cell(r, t, lang)}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </div>
    </div>
  );
}
