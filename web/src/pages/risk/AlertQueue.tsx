import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { navigate } from '../../router.ts';
import type { Level } from '../../api/wire.ts';
import { LEVEL_COLOR } from './levels.ts';
import { PORT_NAMES } from '../../api/ports.ts';
import { formatDateTime } from '../../format.ts';

interface Alert {
  declarationId: string;
  decidedAt: string;
  uscc: string;
  enterpriseName: string | null;
  kind: string;
  port: string;
  level: Level;
  score: string;
  action: string;
  selected: boolean;
  reasons: string[];
  topFeatures: string[];
  expectedRevenue: string;
  outcome: string | null;
}

const PAGE_SIZE = 20;

/** The alert queue (布控预警): newest decisions first, filtered by level, port and trader. */
export function AlertQueue() {
  const { t, lang } = useI18n();
  const [levels, setLevels] = useState<Level[]>(['RED', 'YELLOW']);
  const [port, setPort] = useState('');
  const [traderDraft, setTraderDraft] = useState('');
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
    queryFn: () => api<{ items: Alert[]; total: number }>('GET', `/api/v1/risk/alerts?${query}`),
  });
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / PAGE_SIZE));
  const toggle = (l: Level) => {
    setPage(1);
    setLevels(levels.includes(l) ? levels.filter((x) => x !== l) : [...levels, l]);
  };
  return (
    <div data-testid="risk-alerts">
      <form
        className="search filters"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setTrader(traderDraft.trim().toUpperCase());
        }}
      >
        {(['RED', 'YELLOW', 'BLUE'] as const).map((l) => (
          <label key={l} className="check">
            <input
              type="checkbox"
              checked={levels.includes(l)}
              onChange={() => toggle(l)}
              data-testid={`risk-filter-${l}`}
            />
            <span className={`level level-${l}`}>{t(`risk.level.${l}`)}</span>
          </label>
        ))}
        <select
          value={port}
          onChange={(e) => (setPage(1), setPort(e.target.value))}
          data-testid="risk-filter-port"
          aria-label={t('risk.col.port')}
        >
          <option value="">{t('risk.allPorts')}</option>
          {Object.entries(PORT_NAMES).map(([code, names]) => (
            <option key={code} value={code}>
              {lang === 'zh-CN' ? names[0] : names[1]}
            </option>
          ))}
        </select>
        <input
          className="mono"
          placeholder={t('risk.traderPlaceholder')}
          value={traderDraft}
          onChange={(e) => setTraderDraft(e.target.value)}
          data-testid="risk-filter-trader"
        />
        <button type="submit" data-testid="risk-filter-submit">
          {t('common.search')}
        </button>
      </form>
      {list.isLoading && <Spinner />}
      {list.error && <ErrorBox error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && (
        <>
          <table className="table clickable" data-testid="risk-alerts-table">
            <thead>
              <tr>
                <th>{t('risk.col.time')}</th>
                <th>{t('risk.col.level')}</th>
                <th className="num">{t('risk.col.score')}</th>
                <th>{t('risk.col.trader')}</th>
                <th>{t('risk.col.kind')}</th>
                <th>{t('risk.col.port')}</th>
                <th>{t('risk.col.features')}</th>
                <th>{t('risk.col.action')}</th>
                <th className="num">{t('risk.col.expectedRevenue')}</th>
                <th>{t('risk.col.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr
                  key={a.declarationId}
                  onClick={() => navigate(`/risk/decision/${a.declarationId}`)}
                  data-testid="risk-alert-row"
                >
                  <td>{formatDateTime(a.decidedAt, lang)}</td>
                  <td>
                    <span className="level-badge" style={{ background: LEVEL_COLOR[a.level] }}>
                      {t(`risk.level.${a.level}`)}
                    </span>
                  </td>
                  <td className="num">{Number(a.score).toFixed(1)}</td>
                  <td>
                    <div data-raw>{a.enterpriseName ?? ''}</div>
                    <div className="mono small">{a.uscc}</div>
                  </td>
                  <td>{t(`risk.kind.${a.kind}` as 'risk.kind.FIRST_LINE_IMPORT')}</td>
                  <td>{(PORT_NAMES[a.port] ?? [a.port, a.port])[lang === 'zh-CN' ? 0 : 1]}</td>
                  <td className="mono small">{a.topFeatures.join(' ')}</td>
                  <td>{t(`risk.action.${a.action}` as 'risk.action.INSPECT')}</td>
                  <td className="num">
                    {Number(a.expectedRevenue).toLocaleString(lang, { maximumFractionDigits: 0 })}
                  </td>
                  <td>{a.outcome ? t(`risk.outcome.${a.outcome}` as 'risk.outcome.MATCH') : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.items.length === 0 && <p data-testid="risk-alerts-empty">{t('risk.noAlerts')}</p>}
          <div className="pager">
            <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              {t('common.prev')}
            </button>
            <span>
              {page} / {pages} · {t('common.total', { n: list.data.total })}
            </span>
            <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              {t('common.next')}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
