import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, session } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { LineChart } from './charts.tsx';
import { FeatureEditor } from './FeatureEditor.tsx';
import { BacktestResult } from './BacktestResult.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { Backtest, FeatureVersion } from '../../api/wire.ts';
import { formatDateTime } from '../../format.ts';

interface StatPoint {
  period: string;
  fired: number;
  inspected: number;
  hits: number;
  hitRate: number | null;
  revenueRecovered: string;
}

/** One feature: its versions, backtest, shadow mode, four-eyes approval, retirement, hit rate over time. */
export function FeatureDetail({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const versions = useQuery({
    queryKey: ['risk-feature', code],
    queryFn: () => api<{ items: FeatureVersion[] }>('GET', `/api/v1/risk/features/${code}`),
  });
  const stats = useQuery({
    queryKey: ['risk-feature-stats', code],
    queryFn: () => api<{ items: StatPoint[] }>('GET', `/api/v1/risk/features/${code}/stats?bucket=week`),
  });
  const [chosen, setChosen] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [backtest, setBacktest] = useState<Backtest | null>(null);
  const [reason, setReason] = useState('');
  if (versions.isLoading) return <Spinner />;
  if (versions.error || !versions.data)
    return <ErrorBox error={versions.error} onRetry={() => void versions.refetch()} />;
  const items = versions.data.items;
  const v =
    items.find((x) => x.version === chosen) ??
    items.find((x) => x.status === 'DRAFT' || x.status === 'SHADOW') ??
    items[0]!;
  const me = `user:${session.user()?.username ?? ''}`;
  const mine = v.createdBy === me;
  const bt = backtest ?? v.latestBacktest;
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    setProblem(null);
    try {
      if (path === 'backtest')
        setBacktest(
          await api<Backtest>('POST', `/api/v1/risk/features/${code}/versions/${v.version}/backtest`, body ?? {}),
        );
      else await api('POST', `/api/v1/risk/features/${code}/versions/${v.version}/${path}`, body);
      await qc.invalidateQueries({ queryKey: ['risk-feature', code] });
      await qc.invalidateQueries({ queryKey: ['risk-features'] });
    } catch (err) {
      if (err instanceof ApiError) setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  if (editing) return <FeatureEditor base={v} />;
  const pending = v.status === 'DRAFT' || v.status === 'SHADOW';
  return (
    <div data-testid="risk-feature-detail">
      <p>
        <a href="#/risk/features">← {t('risk.backToLibrary')}</a>
      </p>
      <div className="card">
        <div className="card-title">{v.name}</div>
        <div className="mono small">
          {v.code} v{v.version} ·{' '}
          <span className={`status status-${v.status}`} data-testid="risk-feature-status">
            {t(`risk.status.${v.status}` as MessageKey)}
          </span>{' '}
          · {t(`risk.category.${v.category}` as 'risk.category.PRICE')} · {t(`risk.scope.${v.scope}` as MessageKey)} ·{' '}
          {t('risk.field.weight')} {v.weight}
          {v.forceLevel ? ` · ≥${t(`risk.level.${v.forceLevel as 'RED'}`)}` : ''}
        </div>
        <p>{v.description}</p>
        <pre className="expression" data-testid="risk-feature-expression">
          {v.expression}
        </pre>
        <div className="small">
          {t('risk.author')} {v.createdBy} · {formatDateTime(v.createdAt, lang)}
          {v.approvedBy && (
            <>
              {' '}
              · {t('risk.approver')} {v.approvedBy}
            </>
          )}
          {v.retireReason && (
            <>
              {' '}
              · {t('risk.retired')}: {v.retireReason}
            </>
          )}
          {v.expiresOn && (
            <>
              {' '}
              · {t('risk.field.expiresOn')} {v.expiresOn}
            </>
          )}
        </div>
      </div>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void act('backtest')} data-testid="risk-feature-backtest">
          {t('risk.backtest')}
        </button>
        {v.status === 'DRAFT' && (
          <button type="button" disabled={busy} onClick={() => void act('shadow')} data-testid="risk-feature-shadow">
            {t('risk.shadow')}
          </button>
        )}
        {pending && (
          <button
            type="button"
            className="primary"
            disabled={busy || mine}
            title={mine ? t('risk.fourEyesHint') : ''}
            onClick={() => void act('approve')}
            data-testid="risk-feature-approve"
          >
            {t('risk.approve')}
          </button>
        )}
        <button type="button" onClick={() => setEditing(true)} data-testid="risk-feature-edit">
          {t('risk.newVersion')}
        </button>
        {v.status !== 'RETIRED' && (
          <span className="retire">
            <input
              placeholder={t('risk.retireReason')}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="risk-feature-retire-reason"
            />
            <button
              type="button"
              disabled={busy || reason.trim().length < 5}
              onClick={() => void act('retire', { reason })}
              data-testid="risk-feature-retire"
            >
              {t('risk.retire')}
            </button>
          </span>
        )}
      </div>
      {mine && pending && <p className="small">{t('risk.fourEyesHint')}</p>}
      {problem && (
        <div data-testid="risk-feature-problem">
          <ErrorBox error={problem} />
        </div>
      )}
      {bt ? <BacktestResult backtest={bt} /> : pending && <p className="small">{t('risk.backtestFirst')}</p>}
      <h2>{t('risk.overTime')}</h2>
      {stats.data && stats.data.items.length > 0 ? (
        <>
          <LineChart
            testId="risk-feature-chart"
            max={1}
            format={(x) => `${Math.round(x * 100)}%`}
            series={[
              {
                name: t('risk.col.hitRate'),
                color: '#c0392b',
                points: stats.data.items.map((p) => ({ x: p.period, y: p.hitRate })),
              },
            ]}
          />
          <LineChart
            series={[
              {
                name: t('risk.col.fired'),
                color: '#0b4f8a',
                points: stats.data.items.map((p) => ({ x: p.period, y: p.fired })),
              },
              {
                name: t('risk.col.inspected'),
                color: '#1e7d4f',
                points: stats.data.items.map((p) => ({ x: p.period, y: p.inspected })),
              },
            ]}
            format={(x) => x.toFixed(0)}
          />
        </>
      ) : (
        <p className="small">{t('risk.noStats')}</p>
      )}
      <h2>{t('risk.versionsOf')}</h2>
      <table className="table clickable">
        <thead>
          <tr>
            <th>{t('risk.col.version')}</th>
            <th>{t('risk.col.status')}</th>
            <th className="num">{t('risk.col.weight')}</th>
            <th>{t('risk.author')}</th>
            <th>{t('risk.approver')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((x) => (
            <tr
              key={x.version}
              onClick={() => (setChosen(x.version), setBacktest(null))}
              className={x.version === v.version ? 'selected' : ''}
            >
              <td>v{x.version}</td>
              <td>{t(`risk.status.${x.status}` as MessageKey)}</td>
              <td className="num">{x.weight}</td>
              <td>{x.createdBy}</td>
              <td>{x.approvedBy ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
