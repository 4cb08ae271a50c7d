import { useQuery } from '@tanstack/react-query';
import { api, session } from '../../api.ts';
import type { FirstLine, FirstLineDirection, FirstLineState } from '../../api/firstline.ts';
import { portLabel } from '../../api/ports.ts';
import { DataTable, Pager, type Column } from '../../components/DataTable.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDate, formatMoney } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePagerLabel } from '../../i18n/officer.ts';
import { routeParams, setParams } from '../../urlState.ts';
import { FlStateBadge } from './parts.tsx';

const STATES: FirstLineState[] = ['HELD', 'RELEASED', 'REJECTED'];
const DIRECTIONS: FirstLineDirection[] = ['IMPORT', 'EXPORT'];

const PAGE_SIZE = 20;
/** A USCC has 18 characters: the filter is asked of the server once the code is whole. */
const USCC_LENGTH = 18;

/**
 * First-line declarations with their filters in the URL, all asked of the server: the state, the direction
 * and (officers) the enterprise's USCC, a page at a time.
 */
export function FirstLineList({ route }: { route: string }) {
  const { t, lang } = useI18n();
  const pagerLabel = usePagerLabel();
  const officer = session.user()?.role !== 'enterprise_user';
  const p = routeParams(route);
  const state = STATES.find((s) => s === p.get('state')) ?? '';
  const direction = DIRECTIONS.find((d) => d === p.get('direction')) ?? '';
  const typed = officer ? (p.get('uscc') ?? '').trim().toUpperCase() : '';
  const uscc = typed.length === USCC_LENGTH ? typed : '';
  const page = Math.max(1, Number(p.get('page')) || 1);
  const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  for (const [k, v] of Object.entries({ state, direction, uscc })) if (v) query.set(k, v);
  const list = useQuery({
    queryKey: ['firstline', query.toString()],
    queryFn: () => api<{ items: FirstLine[]; total: number }>('GET', `/api/v1/firstline/declarations?${query}`),
  });
  const total = list.data?.total ?? 0;
  const columns: Column<FirstLine>[] = [
    {
      key: 'no',
      header: t('fl.col.declaration'),
      cell: (d) => (
        <a href={`#/firstline/${d.id}`} data-testid="fl-open" className="mono small">
          {d.id.slice(-12)}
        </a>
      ),
    },
    ...(officer ? [{ key: 'uscc', header: t('fl.col.enterprise'), raw: true, cell: (d: FirstLine) => d.uscc }] : []),
    { key: 'direction', header: t('fl.col.direction'), cell: (d) => t(`fl.dir.${d.direction as FirstLineDirection}`) },
    { key: 'port', header: t('fl.col.port'), secondary: true, cell: (d) => portLabel(d.port, lang) },
    { key: 'date', header: t('fl.col.date'), cell: (d) => formatDate(d.declarationDate, lang) },
    { key: 'state', header: t('fl.col.state'), cell: (d) => <FlStateBadge state={d.state} /> },
    { key: 'lines', header: t('fl.col.lines'), numeric: true, secondary: true, cell: (d) => d.lines.length },
    {
      key: 'taxes',
      header: t('fl.col.taxes'),
      numeric: true,
      cell: (d) => (d.taxes ? formatMoney(d.taxes.total, lang) : '—'),
    },
  ];
  const set = (changes: Record<string, string>) =>
    setParams(route, { ...changes, page: undefined }, { replace: 'uscc' in changes });
  return (
    <div data-testid="fl-list">
      <div className="filters">
        <label>
          {t('fl.filter.state')}
          <select value={state} onChange={(e) => set({ state: e.target.value })} data-testid="fl-filter-state">
            <option value="">{t('fl.filter.all')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {t(`fl.state.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fl.filter.direction')}
          <select value={direction} onChange={(e) => set({ direction: e.target.value })} data-testid="fl-filter-dir">
            <option value="">{t('fl.filter.all')}</option>
            {DIRECTIONS.map((d) => (
              <option key={d} value={d}>
                {t(`fl.dir.${d}`)}
              </option>
            ))}
          </select>
        </label>
        {officer && (
          <label>
            {t('fl.filter.uscc')}
            <input
              value={p.get('uscc') ?? ''}
              onChange={(e) => set({ uscc: e.target.value })}
              className="mono"
              data-testid="fl-filter-uscc"
            />
          </label>
        )}
      </div>
      {list.isLoading && <Spinner />}
      {list.error && <ErrorBox error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && (
        <>
          <DataTable
            columns={columns}
            rows={list.data.items}
            rowKey={(d) => d.id}
            caption={t('fl.caption')}
            empty={t('fl.empty')}
            testId="fl-table"
            rowTestId={(_, i) => `fl-row-${i}`}
          />
          <Pager
            page={page}
            pageSize={PAGE_SIZE}
            total={total}
            onPage={(n) => setParams(route, { page: n })}
            label={pagerLabel(page, PAGE_SIZE, total)}
          />
        </>
      )}
    </div>
  );
}
