import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { PortView } from '../../api/wire.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { PORT_CODES, portLabel } from '../../api/ports.ts';
import { routePath } from '../../urlState.ts';
import { InspectionList } from '../inspection/InspectionList.tsx';
import { InspectionTask } from '../inspection/InspectionTask.tsx';

/** Stacked bars of trucks passed / diverted per hour (SVG, no chart library). */
function HourBars({ hours, label }: { hours: PortView['hours']; label: string }) {
  const W = 720;
  const H = 160;
  const top = Math.max(1, ...hours.map((h) => h.passed + h.diverted));
  const bw = W / hours.length;
  const y = (v: number) => (v / top) * (H - 24);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label={label} data-testid="gate-hours">
      {hours.map((h, i) => (
        <g key={h.hour}>
          <rect x={i * bw + 2} y={H - 18 - y(h.passed)} width={bw - 4} height={y(h.passed)} fill="#2e7d32" />
          <rect
            x={i * bw + 2}
            y={H - 18 - y(h.passed) - y(h.diverted)}
            width={bw - 4}
            height={y(h.diverted)}
            fill="#c62828"
          />
          {i % 3 === 0 && (
            <text x={i * bw + bw / 2} y={H - 4} textAnchor="middle" className="chart-label">
              {h.label}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}

export function PortViewPage() {
  const { t, lang } = useI18n();
  const [port, setPort] = useState('CNHAK-XINHAI');
  const q = useQuery({
    queryKey: ['gate-port', port],
    queryFn: () => api<PortView>('GET', `/api/v1/gate/ports/${port}/view`),
    refetchInterval: 30_000,
  });
  const passed = q.data?.hours.reduce((s, h) => s + h.passed, 0) ?? 0;
  const diverted = q.data?.hours.reduce((s, h) => s + h.diverted, 0) ?? 0;
  return (
    <section className="page" data-testid="gate-port-view">
      <h1>{t('gate.portView')}</h1>
      <label>
        {t('gate.port')}{' '}
        <select data-testid="gate-port-select" value={port} onChange={(e) => setPort(e.target.value)}>
          {PORT_CODES.map((p) => (
            <option key={p} value={p}>
              {portLabel(p, lang)}
            </option>
          ))}
        </select>
      </label>
      {q.isLoading && <Spinner />}
      {q.error && <ErrorBox error={q.error} onRetry={() => q.refetch()} />}
      {q.data && (
        <>
          <div className="cards">
            <div className="card">
              {t('gate.passed24h')} <strong data-testid="gate-passed">{passed}</strong>
            </div>
            <div className="card">
              {t('gate.diverted24h')} <strong data-testid="gate-diverted">{diverted}</strong>
            </div>
            <div className="card">
              {t('gate.openInspections')} <strong data-testid="gate-open-inspections">{q.data.openInspections}</strong>
            </div>
            <div className="card">
              {t('gate.openOrders')} <strong data-testid="gate-open-orders">{q.data.openReleaseOrders}</strong>
            </div>
            <div className="card">
              {t('gate.conflicts')} <strong data-testid="gate-conflicts">{q.data.openReplayConflicts}</strong>
            </div>
          </div>
          <h2>{t('gate.perHour')}</h2>
          <HourBars hours={q.data.hours} label={t('gate.perHour')} />
          <h2>{t('gate.lanes')}</h2>
          <table data-testid="gate-lanes">
            <thead>
              <tr>
                <th>{t('gate.lane')}</th>
                <th>{t('gate.kind')}</th>
                <th>{t('gate.passed')}</th>
                <th>{t('gate.diverted')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.lanes.map((l) => (
                <tr key={l.code} data-testid={`gate-lane-${l.code}`}>
                  <td>
                    {l.nameZh} <small className="mono">{l.code}</small>
                  </td>
                  <td>{t(`gate.laneKind.${l.kind}` as MessageKey)}</td>
                  <td>{l.passed}</td>
                  <td>{l.diverted}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t('gate.reasons')}</h2>
          <ul data-testid="gate-reasons">
            {q.data.divertReasons.map((r) => (
              <li key={r.code}>
                {t(`gate.reason.${r.code}` as never)}: {r.count}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function GatePage({ route }: { route: string }) {
  const path = routePath(route);
  if (path.startsWith('/inspection/')) return <InspectionTask id={path.slice('/inspection/'.length)} />;
  if (path.startsWith('/inspection')) return <InspectionList route={route} />;
  return <PortViewPage />;
}
