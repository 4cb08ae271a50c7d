import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { DeclarationListItem } from '../../api/wire.ts';
import { portLabel } from '../../api/ports.ts';
import { DataTable, Pager, type Column } from '../../components/DataTable.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formatDate } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useOt, usePagerLabel } from '../../i18n/officer.ts';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { navigate } from '../../router.ts';
import { routeParams, setParams } from '../../urlState.ts';
import { DeclarationFilters, SORTS } from './DeclarationFilters.tsx';
import { StateBadge } from './parts.tsx';

const PAGE_SIZE = 20;

/** Declarations with search (USCC), filters, sort and paging, all in the URL; officers start on the held ones. */
export function DeclarationList({ route, officer }: { route: string; officer: boolean }) {
  const { t, lang } = useI18n();
  const ot = useOt();
  const pagerLabel = usePagerLabel();
  const p = routeParams(route);
  const state = p.get('state') ?? (officer ? 'HELD' : '');
  const f = { state, kind: p.get('kind') ?? '', port: p.get('port') ?? '', uscc: p.get('uscc') ?? '' };
  const sort = SORTS.find((s) => s === p.get('sort')) ?? '-createdAt';
  const page = Math.max(1, Number(p.get('page')) || 1);
  const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE), sort });
  for (const [k, v] of Object.entries(f)) if (v && v !== 'ALL') query.set(k, v);
  const list = useQuery({
    queryKey: ['declarations', query.toString()],
    queryFn: () =>
      api<{ items: DeclarationListItem[]; total: number; totalExact: boolean }>('GET', `/api/v1/declarations?${query}`),
  });
  const set = (changes: Record<string, string | undefined>) => setParams(route, { ...changes, page: undefined });
  const columns: Column<DeclarationListItem>[] = [
    {
      key: 'no',
      header: t('decl.col.kind'),
      cell: (d) => (
        <a href={`#/declarations/${d.id}`} data-testid="decl-open">
          {t(`decl.kind.${d.kind}` as MessageKey)}
          {d.version > 1 && ` v${d.version}`} <span className="mono small">{d.id.slice(-8)}</span>
        </a>
      ),
    },
    { key: 'enterprise', raw: true, header: ot('insp.enterprise'), cell: (d) => d.enterprise?.name ?? '—' },
    { key: 'state', header: t('decl.col.state'), cell: (d) => <StateBadge state={d.state} /> },
    {
      key: 'reason',
      header: t('decl.col.reason'),
      secondary: true,
      cell: (d) => <span data-raw>{d.stateReason}</span>,
    },
    { key: 'port', header: t('decl.col.port'), secondary: true, cell: (d) => portLabel(d.portCode, lang) },
    { key: 'date', header: t('decl.col.date'), cell: (d) => formatDate(d.businessDate, lang) },
    { key: 'taxes', header: t('decl.col.taxes'), numeric: true, cell: (d) => d.taxes?.total ?? '—' },
  ];
  const total = list.data?.total ?? 0;
  return (
    <>
      <DeclarationFilters filters={f} sort={sort} officer={officer} set={set} />
      {list.isLoading && <Spinner />}
      {list.error && <ErrorBox error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && (
        <>
          <DataTable
            columns={columns}
            rows={list.data.items}
            rowKey={(d) => d.id}
            caption={t('decl.tab.list')}
            empty={t('decl.none')}
            testId="decl-table"
            rowTestId={(d) => `decl-row-${d.id}`}
            onRowClick={(d) => navigate(`/declarations/${d.id}`)}
          />
          <Pager
            page={page}
            pageSize={PAGE_SIZE}
            total={total}
            onPage={(n) => setParams(route, { page: n })}
            label={pagerLabel(page, PAGE_SIZE, total, list.data.totalExact)}
          />
        </>
      )}
    </>
  );
}
