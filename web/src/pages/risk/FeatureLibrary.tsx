import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { navigate } from '../../router.ts';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { FeatureSummary } from '../../api/wire.ts';
import { pct } from './levels.ts';

/** The feature library (风险特征库): each feature's pending or live version with its hit rate and yield. */
export function FeatureLibrary() {
  const t = useT();
  const [status, setStatus] = useState('');
  const list = useQuery({
    queryKey: ['risk-features', status],
    queryFn: () => api<{ items: FeatureSummary[] }>('GET', `/api/v1/risk/features${status ? `?status=${status}` : ''}`),
  });
  return (
    <div data-testid="risk-features">
      <div className="search">
        <select
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          data-testid="risk-features-status"
          aria-label={t('risk.col.status')}
        >
          <option value="">{t('risk.allStatuses')}</option>
          {(['DRAFT', 'SHADOW', 'LIVE', 'RETIRED'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`risk.status.${s}` as MessageKey)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="primary"
          onClick={() => navigate('/risk/features/new')}
          data-testid="risk-feature-new"
        >
          {t('risk.newFeature')}
        </button>
      </div>
      {list.isLoading && <Spinner />}
      {list.error && <ErrorBox error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && (
        <table className="table clickable" data-testid="risk-features-table">
          <thead>
            <tr>
              <th>{t('risk.col.feature')}</th>
              <th>{t('risk.col.category')}</th>
              <th>{t('risk.col.status')}</th>
              <th className="num">{t('risk.col.weight')}</th>
              <th className="num">{t('risk.col.fired90')}</th>
              <th className="num">{t('risk.col.inspected')}</th>
              <th className="num">{t('risk.col.hitRate')}</th>
              <th className="num">{t('risk.col.yield')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((f) => (
              <tr
                key={f.code}
                onClick={() => navigate(`/risk/features/${f.code}`)}
                data-testid={`risk-feature-row-${f.code}`}
              >
                <td>
                  <div>{f.name}</div>
                  <div className="mono small">
                    {f.code} v{f.version}
                    {f.liveVersion && f.liveVersion !== f.version ? ` (${t('risk.liveIs', { v: f.liveVersion })})` : ''}
                  </div>
                </td>
                <td>{t(`risk.category.${f.category}` as 'risk.category.PRICE')}</td>
                <td>
                  <span className={`status status-${f.status}`}>{t(`risk.status.${f.status}` as MessageKey)}</span>
                  {f.expired ? ` · ${t('risk.expired')}` : ''}
                </td>
                <td className="num">{f.weight}</td>
                <td className="num">{f.stats.fired}</td>
                <td className="num">{f.stats.inspected}</td>
                <td className="num">{pct(f.stats.hitRate)}</td>
                <td className="num">
                  {Number(f.stats.revenueRecovered).toLocaleString(undefined, { maximumFractionDigits: 0 })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
