/** Trucks and alerts per hour, declarations by state, the inspection backlog and the credit-class rates. */
import { useMemo } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { DrillRequest, Summary } from '../../api/wire.ts';
import { EChart, type ChartClick } from './EChart.tsx';
import { AGE_ORDER, alertsOption, backlogOption, creditOption, declarationsOption, gateFlowOption } from './options.ts';
import { Panel } from './parts.tsx';

export function FlowCharts({ s, onDrill }: { s: Summary; onDrill: (d: DrillRequest) => void }) {
  const { t, lang } = useI18n();
  const options = useMemo(
    () => ({
      gate: gateFlowOption(s, t),
      alerts: alertsOption(s, t),
      declarations: declarationsOption(s, t),
      backlog: backlogOption(s, t),
      credit: creditOption(s, t, lang),
    }),
    [s, t, lang],
  );
  const hourLabel = (hour: number) => s.gateHours[hour]?.label ?? '';
  const onGateClick = (e: ChartClick) =>
    onDrill({
      panel: 'gate',
      params: { hour: e.dataIndex, decision: String(e.seriesId) },
      subtitle: `${hourLabel(e.dataIndex)} ${e.seriesName}`,
    });
  const onAlertsClick = (e: ChartClick) =>
    onDrill({
      panel: 'alerts',
      params: { hour: e.dataIndex, level: String(e.seriesId) },
      subtitle: `${hourLabel(e.dataIndex)} ${e.seriesName}`,
    });
  const onDeclarationsClick = (e: ChartClick) => {
    const state = s.declarations.byState[e.dataIndex]!.state;
    onDrill({ panel: 'declarations', params: { state }, subtitle: t(`decl.state.${state}` as MessageKey) });
  };
  const onBacklogClick = (e: ChartClick) =>
    onDrill({
      panel: 'inspections',
      params: { bucket: AGE_ORDER[e.dataIndex], status: String(e.seriesId) },
      subtitle: `${t(`command.age.${AGE_ORDER[e.dataIndex]}` as MessageKey)} · ${e.seriesName}`,
    });
  const onCreditClick = (e: ChartClick) => {
    const c = s.credit.classes[e.dataIndex]!;
    onDrill({
      panel: 'credit',
      params: { creditClass: c.creditClass, selected: e.seriesId === 'inspection' ? true : undefined },
      subtitle: t(`class.${c.creditClass}` as MessageKey),
    });
  };
  return (
    <>
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
    </>
  );
}
