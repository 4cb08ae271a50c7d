/** Clearance times per port and their 7-day trend, and the tax collected; each opens its list. */
import { useMemo } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import { formatMoney } from '../../format.ts';
import type { DrillRequest, Summary } from '../../api/wire.ts';
import { EChart, type ChartClick } from './EChart.tsx';
import { clearanceOption, portName, trendOption } from './options.ts';
import { Panel } from './parts.tsx';

export function ClearanceTax({ s, onDrill }: { s: Summary; onDrill: (d: DrillRequest) => void }) {
  const { t, lang } = useI18n();
  const clearance = useMemo(() => clearanceOption(s, t, lang), [s, t, lang]);
  const trend = useMemo(() => trendOption(s, t, lang), [s, t, lang]);
  const onClearanceClick = (e: ChartClick) => {
    const p = s.ports[e.dataIndex]!;
    onDrill({ panel: 'clearance', params: { port: p.code }, subtitle: portName(p, lang) });
  };
  const taxes = [
    ['command.tax.duty', s.tax.duty],
    ['command.tax.ct', s.tax.consumptionTax],
    ['command.tax.vat', s.tax.vat],
    ['command.tax.total', s.tax.total],
  ] as const;
  return (
    <>
      <Panel title={t('command.clearance')} className="cc-half" testId="cc-clearance">
        {s.clearance.overall.n === 0 && <p className="cc-note">{t('command.clearance.none')}</p>}
        <EChart option={clearance} height={270} label={t('command.clearance.label')} onClick={onClearanceClick} />
      </Panel>
      <Panel title={t('command.trend')} className="cc-quarter" testId="cc-trend">
        <EChart option={trend} height={270} label={t('command.trend.label')} />
      </Panel>
      <Panel title={t('command.tax')} className="cc-quarter" testId="cc-tax">
        <dl className="cc-tax">
          {taxes.map(([key, v]) => (
            <div key={key} className={key === 'command.tax.total' ? 'total' : ''}>
              <dt>{t(key)}</dt>
              <dd>
                <button type="button" className="cc-num-button" onClick={() => onDrill({ panel: 'taxBills' })}>
                  ¥ {formatMoney(v, lang)}
                </button>
              </dd>
            </div>
          ))}
        </dl>
        <p className="cc-note">{t('command.kpi.bills', { n: s.tax.bills })}</p>
      </Panel>
    </>
  );
}
