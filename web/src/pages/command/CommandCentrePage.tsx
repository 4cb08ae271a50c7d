/**
 * The command centre (指挥中心): the island's second line at a glance, kept current by server-sent
 * events. Every number opens the list behind it. Loaded on its own (React.lazy), with ECharts.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import { formatTime } from '../../format.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { DrillRequest, Summary, WindowName } from '../../api/wire.ts';
import { EChart, type ChartClick } from './EChart.tsx';
import { DrillDialog } from './DrillDialog.tsx';
import { mapOption, portName } from './options.ts';
import { useHainanMap, useSummary } from './useSummary.ts';
import { Panel } from './parts.tsx';
import { Kpis } from './Kpis.tsx';
import { SubjectsStrip } from './SubjectsStrip.tsx';
import { PortTable } from './PortTable.tsx';
import { FlowCharts } from './FlowCharts.tsx';
import { ClearanceTax } from './ClearanceTax.tsx';
import { DutyfreeCounters } from './DutyfreeCounters.tsx';
import './command.css';

function MapPanel({ s, onDrill }: { s: Summary; onDrill: (d: DrillRequest) => void }) {
  const { t, lang } = useI18n();
  const map = useHainanMap();
  const option = useMemo(() => mapOption(s, t, lang), [s, t, lang]);
  const onMapClick = (e: ChartClick) => {
    if (e.componentType !== 'series') return;
    const p = s.ports[e.dataIndex]!;
    onDrill({ panel: 'gate', params: { port: p.code }, subtitle: portName(p, lang) });
  };
  return (
    <Panel title={t('command.map')} className="cc-map" testId="cc-map">
      {map.data ? (
        <EChart
          option={option}
          height={460}
          label={t('command.map.label')}
          onClick={onMapClick}
          testId="cc-map-chart"
        />
      ) : map.error ? (
        <ErrorBox error={map.error} onRetry={() => map.refetch()} />
      ) : (
        <Spinner />
      )}
      <p className="cc-note">
        {t('command.map.legend')} · {t('command.col.passed')} / {t('command.col.diverted')} / {t('command.col.queue')}
      </p>
    </Panel>
  );
}

export function CommandCentrePage() {
  const { t, lang } = useI18n();
  const [window, setWindow] = useState<WindowName>('today');
  const [drill, setDrill] = useState<DrillRequest | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const { q, live } = useSummary(window);
  const s = q.data;
  const closeDrill = useCallback(() => setDrill(null), []);

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.current?.requestFullscreen?.();
  };

  if (q.isLoading) return <Spinner />;
  if (q.error || !s) return <ErrorBox error={q.error} onRetry={() => q.refetch()} />;

  return (
    <div className="cc" ref={root} data-testid="command-centre">
      <header className="cc-head">
        <div>
          <h1>{t('command.title')}</h1>
          <div className="cc-sub">{t('command.subtitle')}</div>
        </div>
        <div className="cc-controls">
          <div role="radiogroup" aria-label={t('command.window')} className="cc-segmented">
            {(['today', '24h'] as const).map((w) => (
              // biome-ignore lint/a11y/useSemanticElements: a segmented control of two buttons, not radio inputs
              <button
                key={w}
                type="button"
                role="radio"
                aria-checked={window === w}
                className={window === w ? 'on' : ''}
                onClick={() => setWindow(w)}
                data-testid={`cc-window-${w}`}
              >
                {t(`command.window.${w}`)}
              </button>
            ))}
          </div>
          <span className={`cc-live cc-live-${live}`} role="status" data-testid="cc-live">
            <i aria-hidden="true" />
            {t(live === 'live' ? 'command.live' : live === 'connecting' ? 'command.connecting' : 'command.offline')}
          </span>
          <span className="cc-updated" data-testid="cc-updated">
            {t('command.updated', { time: formatTime(new Date(q.dataUpdatedAt), lang) })}
          </span>
          <button type="button" className="cc-button" onClick={toggleFullscreen} data-testid="cc-fullscreen">
            {t('command.fullscreen')}
          </button>
        </div>
      </header>

      <Kpis s={s} onDrill={setDrill} />
      <SubjectsStrip />

      <div className="cc-grid">
        <MapPanel s={s} onDrill={setDrill} />
        <Panel title={t('command.ports')} className="cc-ports" testId="cc-ports">
          <PortTable s={s} onDrill={setDrill} />
        </Panel>
        <FlowCharts s={s} onDrill={setDrill} />
        <ClearanceTax s={s} onDrill={setDrill} />
        <DutyfreeCounters s={s} />
      </div>

      {drill && <DrillDialog request={drill} window={window} onClose={closeDrill} />}
    </div>
  );
}
