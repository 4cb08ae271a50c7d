import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, session } from '../../api.ts';
import { useT } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { LineChart } from './charts.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { Model } from '../../api/wire.ts';
import { pct } from './levels.ts';
import { useCan } from '../../permissions.tsx';

interface Week {
  week: string;
  labelled: number;
  positives: number;
  versions: number[];
  auc: number | null;
  'precision@10%': number | null;
  meanProbability: number;
  hitRate: number;
}

/** Validation metrics by name (the wire keeps a model's metrics as an open JSON document). */
const metric = (m: Model, k: string) => (m.metrics.valid as Record<string, number> | undefined)?.[k] ?? null;

/** The learned models: versions with validation metrics, backtests, governance, and how they do week by week. */
export function ModelsPage() {
  const t = useT();
  const qc = useQueryClient();
  const models = useQuery({
    queryKey: ['risk-models'],
    queryFn: () => api<{ items: Model[] }>('GET', '/api/v1/risk/models'),
  });
  const perf = useQuery({
    queryKey: ['risk-model-performance'],
    queryFn: () => api<{ items: Week[] }>('GET', '/api/v1/risk/models/performance'),
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const me = `user:${session.user()?.username ?? ''}`;
  const analyst = useCan()('POST', '/api/v1/risk/models/train');
  const act = async (method: string, path: string, body?: unknown) => {
    setBusy(true);
    setProblem(null);
    try {
      await api(method, path, body);
      await qc.invalidateQueries({ queryKey: ['risk-models'] });
    } catch (err) {
      if (err instanceof ApiError) setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  if (models.isLoading) return <Spinner />;
  if (models.error || !models.data) return <ErrorBox error={models.error} onRetry={() => void models.refetch()} />;
  const byVersion = [...models.data.items].sort((a, b) => a.version - b.version);
  return (
    <div data-testid="risk-models">
      {analyst && (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void act('POST', '/api/v1/risk/models/train', {})}
            data-testid="risk-model-train"
          >
            {t('risk.train')}
          </button>
        </div>
      )}
      {busy && <Spinner />}
      {problem && (
        <div data-testid="risk-model-problem">
          <ErrorBox error={problem} />
        </div>
      )}
      {models.data.items.length === 0 ? (
        <p>{t('risk.noModels')}</p>
      ) : (
        <table className="table" data-testid="risk-models-table">
          <thead>
            <tr>
              <th>{t('risk.col.version')}</th>
              <th>{t('risk.col.status')}</th>
              <th>{t('risk.col.algorithm')}</th>
              <th className="num">AUC</th>
              <th className="num">P@5%</th>
              <th className="num">P@10%</th>
              <th className="num">{t('risk.col.labelled')}</th>
              <th>{t('risk.author')}</th>
              <th>{t('risk.approver')}</th>
              <th>{t('risk.col.backtest')}</th>
              {analyst && <th />}
            </tr>
          </thead>
          <tbody>
            {models.data.items.map((m) => {
              const pending = m.status === 'DRAFT' || m.status === 'SHADOW';
              const bt = m.latestBacktest?.metrics as
                | { known?: Record<string, number> | null; wouldBeRedRate?: number }
                | undefined;
              return (
                <tr key={m.version} data-testid={`risk-model-row-${m.version}`}>
                  <td>v{m.version}</td>
                  <td>
                    <span className={`status status-${m.status}`}>{t(`risk.status.${m.status}` as MessageKey)}</span>
                  </td>
                  <td className="mono small">{m.algorithm}</td>
                  <td className="num">{metric(m, 'auc')?.toFixed(3) ?? '—'}</td>
                  <td className="num">{pct(metric(m, 'precision@5%'))}</td>
                  <td className="num">{pct(metric(m, 'precision@10%'))}</td>
                  <td className="num">{String(m.training.labelled ?? '')}</td>
                  <td>{m.createdBy}</td>
                  <td>{m.approvedBy ?? ''}</td>
                  <td className="small">
                    {bt
                      ? `AUC ${bt.known?.auc?.toFixed(3) ?? '—'} · ${t('risk.redRate')} ${pct(bt.wouldBeRedRate)}`
                      : '—'}
                  </td>
                  {analyst && (
                    <td className="actions">
                      {m.status !== 'RETIRED' && (
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() => void act('POST', `/api/v1/risk/models/${m.version}/backtest`, {})}
                          data-testid={`risk-model-backtest-${m.version}`}
                        >
                          {t('risk.backtest')}
                        </button>
                      )}
                      {m.status === 'DRAFT' && (
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() => void act('POST', `/api/v1/risk/models/${m.version}/shadow`)}
                        >
                          {t('risk.shadow')}
                        </button>
                      )}
                      {pending && (
                        <button
                          type="button"
                          className="primary"
                          disabled={busy || m.createdBy === me}
                          title={m.createdBy === me ? t('risk.fourEyesHint') : ''}
                          onClick={() => void act('POST', `/api/v1/risk/models/${m.version}/approve`)}
                          data-testid={`risk-model-approve-${m.version}`}
                        >
                          {t('risk.approve')}
                        </button>
                      )}
                      {m.status !== 'RETIRED' && (
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() => void act('POST', `/api/v1/risk/models/${m.version}/retire`)}
                        >
                          {t('risk.retire')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2>{t('risk.validationByVersion')}</h2>
      {byVersion.length > 0 && (
        <LineChart
          testId="risk-model-versions-chart"
          max={1}
          series={[
            {
              name: 'AUC',
              color: '#0b4f8a',
              points: byVersion.map((m) => ({ x: `${m.createdAt.slice(0, 10)} v${m.version}`, y: metric(m, 'auc') })),
            },
            {
              name: 'P@10%',
              color: '#c0392b',
              points: byVersion.map((m) => ({
                x: `${m.createdAt.slice(0, 10)} v${m.version}`,
                y: metric(m, 'precision@10%'),
              })),
            },
          ]}
        />
      )}
      <h2>{t('risk.liveByWeek')}</h2>
      {perf.data && perf.data.items.length > 0 ? (
        <LineChart
          testId="risk-model-weekly-chart"
          max={1}
          series={[
            { name: 'AUC', color: '#0b4f8a', points: perf.data.items.map((w) => ({ x: w.week, y: w.auc })) },
            {
              name: t('risk.col.hitRate'),
              color: '#1e7d4f',
              points: perf.data.items.map((w) => ({ x: w.week, y: w.hitRate })),
            },
            {
              name: t('risk.meanProbability'),
              color: '#b7791f',
              points: perf.data.items.map((w) => ({ x: w.week, y: w.meanProbability })),
            },
          ]}
        />
      ) : (
        <p className="small">{t('risk.noStats')}</p>
      )}
    </div>
  );
}
