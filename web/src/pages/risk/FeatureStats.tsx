import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { LineChart } from './charts.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { FeatureVersion, StatsPoint } from '../../api/wire.ts';

/** A feature's hit rate, firings and inspections week by week. */
export function FeatureStats({ code }: { code: string }) {
  const { t } = useI18n();
  const stats = useQuery({
    queryKey: ['risk-feature-stats', code],
    queryFn: () => api<{ items: StatsPoint[] }>('GET', `/api/v1/risk/features/${code}/stats?bucket=week`),
  });
  return (
    <>
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
    </>
  );
}

/** The versions of a feature; a click chooses the one shown. */
export function FeatureVersions({
  items,
  shown,
  onChoose,
}: {
  items: FeatureVersion[];
  shown: number;
  onChoose: (version: number) => void;
}) {
  const { t } = useI18n();
  return (
    <>
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
            <tr key={x.version} onClick={() => onChoose(x.version)} className={x.version === shown ? 'selected' : ''}>
              <td>v{x.version}</td>
              <td>{t(`risk.status.${x.status}` as MessageKey)}</td>
              <td className="num">{x.weight}</td>
              <td>{x.createdBy}</td>
              <td>{x.approvedBy ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
