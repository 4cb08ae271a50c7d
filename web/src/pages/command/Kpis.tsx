/** The headline numbers: trucks, queue, declarations, holds, backlog, alerts, tax; each opens its list. */
import { useI18n } from '../../i18n/index.tsx';
import { formatDateTime, formatInt, formatMoney } from '../../format.ts';
import type { DrillRequest, Summary } from '../../api/wire.ts';
import { Kpi } from './parts.tsx';

export function Kpis({ s, onDrill }: { s: Summary; onDrill: (d: DrillRequest) => void }) {
  const { t, lang } = useI18n();
  const passed = s.ports.reduce((n, p) => n + p.passed, 0);
  const diverted = s.ports.reduce((n, p) => n + p.diverted, 0);
  const queue = s.ports.reduce((n, p) => n + p.queue, 0);
  return (
    <div className="cc-kpis">
      <Kpi
        label={t('command.kpi.passed')}
        value={formatInt(passed, lang)}
        tone="good"
        testId="cc-kpi-passed"
        onDrill={() => onDrill({ panel: 'gate', params: { decision: 'PASS' } })}
      />
      <Kpi
        label={t('command.kpi.diverted')}
        value={formatInt(diverted, lang)}
        tone="bad"
        testId="cc-kpi-diverted"
        onDrill={() => onDrill({ panel: 'gate', params: { decision: 'DIVERT' } })}
      />
      <Kpi
        label={t('command.kpi.queue')}
        value={formatInt(queue, lang)}
        tone={queue ? 'warn' : ''}
        testId="cc-kpi-queue"
        onDrill={() => onDrill({ panel: 'inspections' })}
      />
      <Kpi
        label={t('command.kpi.declarations')}
        value={formatInt(s.declarations.total, lang)}
        testId="cc-kpi-declarations"
        onDrill={() => onDrill({ panel: 'declarations' })}
      />
      <Kpi
        label={t('command.kpi.held')}
        value={formatInt(s.declarations.heldNow, lang)}
        tone={s.declarations.heldOverdue ? 'warn' : ''}
        testId="cc-kpi-held"
        onDrill={() => onDrill({ panel: 'held' })}
        sub={
          <button
            type="button"
            className="cc-link"
            onClick={() => onDrill({ panel: 'held', params: { overdue: true } })}
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
        onDrill={() => onDrill({ panel: 'inspections' })}
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
        onDrill={() => onDrill({ panel: 'alerts', params: { level: 'RED' } })}
      />
      <Kpi
        label={t('command.kpi.yellow')}
        value={formatInt(s.alerts.yellow, lang)}
        tone="warn"
        testId="cc-kpi-yellow"
        onDrill={() => onDrill({ panel: 'alerts', params: { level: 'YELLOW' } })}
      />
      <Kpi
        label={t('command.kpi.tax')}
        value={formatMoney(s.tax.total, lang)}
        testId="cc-kpi-tax"
        onDrill={() => onDrill({ panel: 'taxBills' })}
        sub={[
          t('command.kpi.bills', { n: s.tax.bills }),
          ...(s.tax.supplementary ? [t('command.kpi.supplementary', { n: s.tax.supplementary })] : []),
        ].join(' · ')}
      />
    </div>
  );
}
