import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.tsx';
import { LineChart } from './charts.tsx';
import type { Model, ModelPerformance } from '../../api/wire.ts';

/** Validation metrics by name (the wire keeps a model's metrics as an open JSON document). */
export const metric = (m: Model, k: string) => (m.metrics.valid as Record<string, number> | undefined)?.[k] ?? null;

/** Validation metrics by version, and the live model's AUC, hit rate and mean probability week by week. */
export function ModelCharts({ models }: { models: Model[] }) {
  const t = useT();
  const perf = useQuery({
    queryKey: ['risk-model-performance'],
    queryFn: () => api<{ items: ModelPerformance[] }>('GET', '/api/v1/risk/models/performance'),
  });
  const byVersion = [...models].sort((a, b) => a.version - b.version);
  return (
    <>
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
    </>
  );
}
