/**
 * The command centre (指挥中心): the island's second line at a glance, kept current by server-sent
 * events. Every number opens the list behind it. Loaded on its own (React.lazy), with ECharts.
 */
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, session } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { formatDateTime, formatDuration, formatInt, formatMoney, formatTime } from '../../format.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { EChart, registerMap, type ChartClick } from './EChart.tsx';
import { DrillDialog } from './DrillDialog.tsx';
import { useLiveUpdates } from './useLiveUpdates.ts';
import {
  alertsOption,
  backlogOption,
  clearanceOption,
  creditOption,
  declarationsOption,
  gateFlowOption,
  mapOption,
  portName,
  trendOption,
  AGE_ORDER,
} from './options.ts';
import type { DrillRequest, Summary, WindowName } from '../../api/wire.ts';
import hainanUrl from './geo/hainan.json?url';
import './command.css';

function useHainanMap() {
  return useQuery({
    queryKey: ['hainan-geo'],
    staleTime: Infinity,
    queryFn: async () => {
      const res = await fetch(hainanUrl);
      if (!res.ok) throw new Error(`map ${res.status}`);
      registerMap('hainan', await res.json());
      return true;
    },
  });
}

/**
 * The summary, read again on every `changed` message: never two reads at once, and a change that
 * arrives during a read is followed by one more read.
 */
function useSummary(window: WindowName) {
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ['command-summary', window],
    queryFn: () => api<Summary>('GET', `/api/v1/command/summary?window=${window}`),
  });
  const reading = useRef(false);
  const again = useRef(false);
  const refresh = useCallback(async () => {
    // Signed out meanwhile: the app is leaving the page; a read now would only be refused.
    if (!session.token()) return;
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    try {
      do {
        again.current = false;
        await client.refetchQueries({ queryKey: ['command-summary'] });
      } while (again.current);
    } finally {
      reading.current = false;
    }
  }, [client]);
  const live = useLiveUpdates(refresh);
  return { q, live };
}

function Kpi({
  label,
  value,
  sub,
  tone,
  onDrill,
  testId,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  tone?: string;
  onDrill?: () => void;
  testId: string;
}) {
  return (
    <div className={`cc-kpi ${tone ?? ''}`}>
      <div className="cc-kpi-label">{label}</div>
      {onDrill ? (
        <button type="button" className="cc-kpi-value cc-num-button" onClick={onDrill} data-testid={testId}>
          {value}
        </button>
      ) : (
        <div className="cc-kpi-value" data-testid={testId}>
          {value}
        </div>
      )}
      {sub && <div className="cc-kpi-sub">{sub}</div>}
    </div>
  );
}

function Panel({
  title,
  children,
  className,
  testId,
}: {
  title: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={`cc-panel ${className ?? ''}`} data-testid={testId} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function NumButton({ n, onClick, testId, label }: { n: number; onClick: () => void; testId?: string; label: string }) {
  const { lang } = useI18n();
  return (
    <button
      type="button"
      className="cc-num-button"
      onClick={onClick}
      data-testid={testId}
      aria-label={label}
      disabled={n === 0}
    >
      {formatInt(n, lang)}
    </button>
  );
}

/** Registered enterprises and credit classes (what the centre showed before the panels). */
function SubjectsStrip() {
  const { t } = useI18n();
  const enterprises = useQuery({
    queryKey: ['enterprise-count'],
    queryFn: () => api<{ total: number }>('GET', '/api/v1/enterprises?pageSize=1'),
  });
  const classes = useQuery({
    queryKey: ['credit-stats'],
    queryFn: () =>
      api<{ items: { subjectKind: string; class: string; count: number }[] }>('GET', '/api/v1/credit/stats'),
  });
  const classified = (cls: string) =>
    classes.data?.items
      .filter((i) => i.subjectKind === 'ENTERPRISE' && i.class === cls)
      .reduce((s, i) => s + i.count, 0) ?? 0;
  const total = enterprises.data?.total ?? 0;
  // Enterprises without a stored class are WHITELIST by default: nothing to apply for.
  const white = Math.max(0, total - classified('ADVANCED_CERTIFIED') - classified('FOCUS'));
  const value = (loading: boolean, n: number) => (loading ? '…' : n);
  return (
    <section className="cc-strip" aria-label={t('command.subjects')}>
      <span className="cc-strip-title">{t('command.subjects')}</span>
      <span className="cc-chip" data-testid="card-enterprises">
        {t('command.enterprises')} <b>{value(enterprises.isLoading, total)}</b>
      </span>
      {(['ADVANCED_CERTIFIED', 'WHITELIST', 'FOCUS'] as const).map((c) => (
        <span className={`cc-chip class-${c}`} key={c} data-testid={`card-class-${c}`}>
          {t(`class.${c}`)} <b>{value(classes.isLoading, c === 'WHITELIST' ? white : classified(c))}</b>
        </span>
      ))}
      <span className="cc-chip class-FOCUS" data-testid="card-individuals-focus">
        {t('credit.individualsFocus')}{' '}
        <b>
          {value(
            classes.isLoading,
            classes.data?.items.find((i) => i.subjectKind === 'INDIVIDUAL' && i.class === 'FOCUS')?.count ?? 0,
          )}
        </b>
      </span>
      {(enterprises.error || classes.error) && <ErrorBox error={enterprises.error ?? classes.error} />}
    </section>
  );
}

export function CommandCentrePage() {
  const { t, lang } = useI18n();
  const [window, setWindow] = useState<WindowName>('today');
  const [drill, setDrill] = useState<DrillRequest | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const { q, live } = useSummary(window);
  const map = useHainanMap();
  const s = q.data;

  const closeDrill = useCallback(() => setDrill(null), []);
  const options = useMemo(() => {
    if (!s) return null;
    return {
      map: mapOption(s, t, lang),
      gate: gateFlowOption(s, t),
      alerts: alertsOption(s, t),
      declarations: declarationsOption(s, t),
      backlog: backlogOption(s, t),
      clearance: clearanceOption(s, t, lang),
      trend: trendOption(s, t, lang),
      credit: creditOption(s, t, lang),
    };
  }, [s, t, lang]);

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.current?.requestFullscreen?.();
  };

  if (q.isLoading) return <Spinner />;
  if (q.error || !s || !options) return <ErrorBox error={q.error} onRetry={() => q.refetch()} />;

  const passed = s.ports.reduce((n, p) => n + p.passed, 0);
  const diverted = s.ports.reduce((n, p) => n + p.diverted, 0);
  const queue = s.ports.reduce((n, p) => n + p.queue, 0);
  const hourLabel = (hour: number) => s.gateHours[hour]?.label ?? '';
  const clearanceOf = (code: string) => s.clearance.ports.find((c) => c.code === code)!;

  const onGateClick = (e: ChartClick) =>
    setDrill({
      panel: 'gate',
      params: { hour: e.dataIndex, decision: String(e.seriesId) },
      subtitle: `${hourLabel(e.dataIndex)} ${e.seriesName}`,
    });
  const onAlertsClick = (e: ChartClick) =>
    setDrill({
      panel: 'alerts',
      params: { hour: e.dataIndex, level: String(e.seriesId) },
      subtitle: `${hourLabel(e.dataIndex)} ${e.seriesName}`,
    });
  const onDeclarationsClick = (e: ChartClick) => {
    const state = s.declarations.byState[e.dataIndex]!.state;
    setDrill({ panel: 'declarations', params: { state }, subtitle: t(`decl.state.${state}` as MessageKey) });
  };
  const onBacklogClick = (e: ChartClick) =>
    setDrill({
      panel: 'inspections',
      params: { bucket: AGE_ORDER[e.dataIndex], status: String(e.seriesId) },
      subtitle: `${t(`command.age.${AGE_ORDER[e.dataIndex]}` as MessageKey)} · ${e.seriesName}`,
    });
  const onClearanceClick = (e: ChartClick) => {
    const p = s.ports[e.dataIndex]!;
    setDrill({ panel: 'clearance', params: { port: p.code }, subtitle: portName(p, lang) });
  };
  const onCreditClick = (e: ChartClick) => {
    const c = s.credit.classes[e.dataIndex]!;
    setDrill({
      panel: 'credit',
      params: { creditClass: c.creditClass, selected: e.seriesId === 'inspection' ? true : undefined },
      subtitle: t(`class.${c.creditClass}` as MessageKey),
    });
  };
  const onMapClick = (e: ChartClick) => {
    if (e.componentType !== 'series') return;
    const p = s.ports[e.dataIndex]!;
    setDrill({ panel: 'gate', params: { port: p.code }, subtitle: portName(p, lang) });
  };

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

      <div className="cc-kpis">
        <Kpi
          label={t('command.kpi.passed')}
          value={formatInt(passed, lang)}
          tone="good"
          testId="cc-kpi-passed"
          onDrill={() => setDrill({ panel: 'gate', params: { decision: 'PASS' } })}
        />
        <Kpi
          label={t('command.kpi.diverted')}
          value={formatInt(diverted, lang)}
          tone="bad"
          testId="cc-kpi-diverted"
          onDrill={() => setDrill({ panel: 'gate', params: { decision: 'DIVERT' } })}
        />
        <Kpi
          label={t('command.kpi.queue')}
          value={formatInt(queue, lang)}
          tone={queue ? 'warn' : ''}
          testId="cc-kpi-queue"
          onDrill={() => setDrill({ panel: 'inspections' })}
        />
        <Kpi
          label={t('command.kpi.declarations')}
          value={formatInt(s.declarations.total, lang)}
          testId="cc-kpi-declarations"
          onDrill={() => setDrill({ panel: 'declarations' })}
        />
        <Kpi
          label={t('command.kpi.held')}
          value={formatInt(s.declarations.heldNow, lang)}
          tone={s.declarations.heldOverdue ? 'warn' : ''}
          testId="cc-kpi-held"
          onDrill={() => setDrill({ panel: 'held' })}
          sub={
            <button
              type="button"
              className="cc-link"
              onClick={() => setDrill({ panel: 'held', params: { overdue: true } })}
              data-testid="cc-kpi-held-overdue"
              disabled={!s.declarations.heldOverdue}
            >
              {t('command.kpi.heldOverdue', { h: s.declarations.overdueHours, n: s.declarations.heldOverdue })}
            </button>
          }
        />
        <Kpi
          label={t('command.kpi.backlog')}
          value={formatInt(s.inspections.total, lang)}
          testId="cc-kpi-backlog"
          onDrill={() => setDrill({ panel: 'inspections' })}
          sub={
            s.inspections.oldestAt
              ? t('command.kpi.oldest', { time: formatDateTime(s.inspections.oldestAt, lang) })
              : undefined
          }
        />
        <Kpi
          label={t('command.kpi.red')}
          value={formatInt(s.alerts.red, lang)}
          tone="bad"
          testId="cc-kpi-red"
          onDrill={() => setDrill({ panel: 'alerts', params: { level: 'RED' } })}
        />
        <Kpi
          label={t('command.kpi.yellow')}
          value={formatInt(s.alerts.yellow, lang)}
          tone="warn"
          testId="cc-kpi-yellow"
          onDrill={() => setDrill({ panel: 'alerts', params: { level: 'YELLOW' } })}
        />
        <Kpi
          label={t('command.kpi.tax')}
          value={formatMoney(s.tax.total, lang)}
          testId="cc-kpi-tax"
          onDrill={() => setDrill({ panel: 'taxBills' })}
          sub={[
            t('command.kpi.bills', { n: s.tax.bills }),
            ...(s.tax.supplementary ? [t('command.kpi.supplementary', { n: s.tax.supplementary })] : []),
          ].join(' · ')}
        />
      </div>

      <SubjectsStrip />

      <div className="cc-grid">
        <Panel title={t('command.map')} className="cc-map" testId="cc-map">
          {map.data ? (
            <EChart
              option={options.map}
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
            {t('command.map.legend')} · {t('command.col.passed')} / {t('command.col.diverted')} /{' '}
            {t('command.col.queue')}
          </p>
        </Panel>
        <Panel title={t('command.ports')} className="cc-ports" testId="cc-ports">
          <div className="cc-table-wrap">
            <table className="cc-table" data-testid="cc-port-table">
              <thead>
                <tr>
                  <th scope="col">{t('command.col.port')}</th>
                  <th scope="col" className="num">
                    {t('command.col.passed')}
                  </th>
                  <th scope="col" className="num">
                    {t('command.col.diverted')}
                  </th>
                  <th scope="col" className="num">
                    {t('command.col.queue')}
                  </th>
                  <th scope="col" className="num">
                    {t('command.col.p50')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.ports.map((p) => {
                  const name = portName(p, lang);
                  return (
                    <tr key={p.code} data-testid={`cc-port-${p.code}`}>
                      <th scope="row">{name}</th>
                      <td className="num">
                        <NumButton
                          n={p.passed}
                          testId={`cc-port-${p.code}-passed`}
                          label={`${name} ${t('command.col.passed')}`}
                          onClick={() =>
                            setDrill({ panel: 'gate', params: { port: p.code, decision: 'PASS' }, subtitle: name })
                          }
                        />
                      </td>
                      <td className="num">
                        <NumButton
                          n={p.diverted}
                          testId={`cc-port-${p.code}-diverted`}
                          label={`${name} ${t('command.col.diverted')}`}
                          onClick={() =>
                            setDrill({ panel: 'gate', params: { port: p.code, decision: 'DIVERT' }, subtitle: name })
                          }
                        />
                      </td>
                      <td className="num">
                        <NumButton
                          n={p.queue}
                          testId={`cc-port-${p.code}-queue`}
                          label={`${name} ${t('command.col.queue')}`}
                          onClick={() => setDrill({ panel: 'inspections', params: { port: p.code }, subtitle: name })}
                        />
                      </td>
                      <td className="num">
                        {clearanceOf(p.code).n ? (
                          <button
                            type="button"
                            className="cc-num-button"
                            onClick={() => setDrill({ panel: 'clearance', params: { port: p.code }, subtitle: name })}
                          >
                            {formatDuration(clearanceOf(p.code).exitP50, lang)}
                          </button>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Panel>

        <Panel title={t('command.gateFlow')} className="cc-half" testId="cc-gate-flow">
          <EChart
            option={options.gate}
            height={260}
            label={t('command.gateFlow.label')}
            onClick={onGateClick}
            testId="cc-gate-chart"
          />
        </Panel>
        <Panel title={t('command.alerts')} className="cc-half" testId="cc-alerts">
          <EChart option={options.alerts} height={260} label={t('command.alerts.label')} onClick={onAlertsClick} />
        </Panel>

        <Panel title={t('command.declarations')} className="cc-third" testId="cc-declarations">
          <EChart
            option={options.declarations}
            height={270}
            label={t('command.declarations.label')}
            onClick={onDeclarationsClick}
          />
        </Panel>
        <Panel title={t('command.backlog')} className="cc-third" testId="cc-backlog">
          <EChart option={options.backlog} height={270} label={t('command.backlog.label')} onClick={onBacklogClick} />
        </Panel>
        <Panel title={t('command.credit', { days: s.credit.days })} className="cc-third" testId="cc-credit">
          <EChart option={options.credit} height={270} label={t('command.credit.label')} onClick={onCreditClick} />
        </Panel>

        <Panel title={t('command.clearance')} className="cc-half" testId="cc-clearance">
          {s.clearance.overall.n === 0 && <p className="cc-note">{t('command.clearance.none')}</p>}
          <EChart
            option={options.clearance}
            height={270}
            label={t('command.clearance.label')}
            onClick={onClearanceClick}
          />
        </Panel>
        <Panel title={t('command.trend')} className="cc-quarter" testId="cc-trend">
          <EChart option={options.trend} height={270} label={t('command.trend.label')} />
        </Panel>
        <Panel title={t('command.tax')} className="cc-quarter" testId="cc-tax">
          <dl className="cc-tax">
            {(
              [
                ['command.tax.duty', s.tax.duty],
                ['command.tax.ct', s.tax.consumptionTax],
                ['command.tax.vat', s.tax.vat],
                ['command.tax.total', s.tax.total],
              ] as const
            ).map(([key, v]) => (
              <div key={key} className={key === 'command.tax.total' ? 'total' : ''}>
                <dt>{t(key)}</dt>
                <dd>
                  <button type="button" className="cc-num-button" onClick={() => setDrill({ panel: 'taxBills' })}>
                    ¥ {formatMoney(v, lang)}
                  </button>
                </dd>
              </div>
            ))}
          </dl>
          <p className="cc-note">{t('command.kpi.bills', { n: s.tax.bills })}</p>
        </Panel>
      </div>

      {drill && <DrillDialog request={drill} window={window} onClose={closeDrill} />}
    </div>
  );
}
