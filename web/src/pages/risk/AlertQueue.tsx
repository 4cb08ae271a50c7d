import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { DataTable, Pager, type Column } from '../../components/DataTable.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { navigate } from '../../router.ts';
import type { AlertItem, Level } from '../../api/wire.ts';
import { LEVEL_COLOR } from './levels.ts';
import { portLabel } from '../../api/ports.ts';
import { formatDateTime } from '../../format.ts';
import { AlertFilters } from './AlertFilters.tsx';

const PAGE_SIZE = 20;

/** The alert queue (布控预警): newest decisions first, filtered by level, port and trader. */
export function AlertQueue() {
  const { t } = useI18n();
  const columns = useAlertColumns();
  const [levels, setLevels] = useState<Level[]>(['RED', 'YELLOW']);
  const [port, setPort] = useState('');
  const [trader, setTrader] = useState('');
  const [page, setPage] = useState(1);
  const query = new URLSearchParams({
    level: levels.join(','),
    page: String(page),
    pageSize: String(PAGE_SIZE),
    ...(port ? { port } : {}),
    ...(trader ? { trader } : {}),
  });
  const list = useQuery({
    queryKey: ['risk-alerts', query.toString()],
    enabled: levels.length > 0,
    queryFn: () => api<{ items: AlertItem[]; total: number }>('GET', `/api/v1/risk/alerts?${query}`),
  });
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const toggle = (l: Level) => {
    setPage(1);
    setLevels(levels.includes(l) ? levels.filter((x) => x !== l) : [...levels, l]);
  };
  return (
    <div data-testid="risk-alerts">
      <AlertFilters
        levels={levels}
        onToggle={toggle}
        port={port}
        onPort={(p) => {
          setPage(1);
          setPort(p);
        }}
        onTrader={(uscc) => {
          setPage(1);
          setTrader(uscc);
        }}
      />
      {list.isLoading && <Spinner />}
      {list.error && <ErrorBox error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && (
        <>
          <DataTable
            columns={columns}
            rows={list.data.items}
            rowKey={(a) => a.declarationId}
            caption={t('risk.tab.alerts')}
            empty={t('risk.noAlerts')}
            testId="risk-alerts-table"
            rowTestId={() => 'risk-alert-row'}
            onRowClick={(a) => navigate(`/risk/decision/${a.declarationId}`)}
          />
          <Pager
            page={page}
            pageSize={PAGE_SIZE}
            total={total}
            onPage={setPage}
            label={{
              prev: t('common.prev'),
              next: t('common.next'),
              status: `${page} / ${pages} · ${t('common.total', { n: total })}`,
            }}
          />
        </>
      )}
    </div>
  );
}

/** The queue's columns; a row opens by its time (a link) or a click anywhere on it. */
function useAlertColumns(): Column<AlertItem>[] {
  const { t, lang } = useI18n();
  return [
    {
      key: 'time',
      header: t('risk.col.time'),
      cell: (a) => <a href={`#/risk/decision/${a.declarationId}`}>{formatDateTime(a.decidedAt, lang)}</a>,
    },
    {
      key: 'level',
      header: t('risk.col.level'),
      cell: (a) => (
        <span className="level-badge" style={{ background: LEVEL_COLOR[a.level] }}>
          {t(`risk.level.${a.level}`)}
        </span>
      ),
    },
    { key: 'score', header: t('risk.col.score'), numeric: true, cell: (a) => Number(a.score).toFixed(1) },
    {
      key: 'trader',
      header: t('risk.col.trader'),
      cell: (a) => (
        <>
          <div data-raw>{a.enterpriseName ?? ''}</div>
          <div className="mono small">{a.uscc}</div>
        </>
      ),
    },
    { key: 'kind', header: t('risk.col.kind'), cell: (a) => t(`risk.kind.${a.kind}` as 'risk.kind.FIRST_LINE_IMPORT') },
    { key: 'port', header: t('risk.col.port'), cell: (a) => portLabel(a.port, lang) },
    {
      key: 'features',
      header: t('risk.col.features'),
      cell: (a) => <span className="mono small">{a.topFeatures.join(' ')}</span>,
    },
    { key: 'action', header: t('risk.col.action'), cell: (a) => t(`risk.action.${a.action}` as 'risk.action.INSPECT') },
    {
      key: 'revenue',
      header: t('risk.col.expectedRevenue'),
      numeric: true,
      cell: (a) => Number(a.expectedRevenue).toLocaleString(lang, { maximumFractionDigits: 0 }),
    },
    {
      key: 'outcome',
      header: t('risk.col.outcome'),
      cell: (a) => (a.outcome ? t(`risk.outcome.${a.outcome}` as 'risk.outcome.MATCH') : ''),
    },
  ];
}
