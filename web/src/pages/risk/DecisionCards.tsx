import { useState } from 'react';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { Decision } from '../../api/wire.ts';
import { pct } from './levels.ts';
import { formatDateTime, formatMoney } from '../../format.ts';

/** Selection, revenue and the versions a decision used, with its replay. */
export function DecisionCards({ x, id, canReplay }: { x: Decision; id: string; canReplay: boolean }) {
  const { t, lang } = useI18n();
  const [replay, setReplay] = useState<{ identical: boolean; differences: string[] } | null>(null);
  return (
    <div className="cards">
      <div className="card" data-testid="risk-decision-selection">
        <div className="card-label">{t('risk.selection')}</div>
        <div>{x.selected ? t('risk.selectedYes') : t('risk.selectedNo')}</div>
        <div className="small">{x.reasons.map((r) => t(`risk.reason.${r}` as 'risk.reason.RISK_RED')).join('；')}</div>
        {x.capacityExhausted && <div className="small warn">{t('risk.capacityExhausted')}</div>}
        <div className="small">{t('risk.draw', { draw: x.draw.toFixed(6), rate: pct(Number(x.classRate)) })}</div>
        {x.unbiasedSample && <div className="small">{t('risk.unbiasedSample')}</div>}
        <div className="small">
          {t('risk.creditClass')}: {t(`class.${x.creditClass}` as 'class.WHITELIST')}
        </div>
      </div>
      <div className="card">
        <div className="card-label">{t('risk.revenue')}</div>
        <div>
          {t('risk.totalValue')} {formatMoney(x.totalValue, lang)}
        </div>
        <div>
          {t('risk.atStake')} {formatMoney(x.revenueAtStake, lang)}
        </div>
        <div>
          {t('risk.expected')}{' '}
          <strong data-testid="risk-decision-expected">{formatMoney(x.expectedRevenue, lang)}</strong>
        </div>
        <div className="small">
          {x.probabilitySource === 'MODEL' ? t('risk.probabilityFromModel') : t('risk.probabilityFromLevel')}
        </div>
      </div>
      <div className="card" data-testid="risk-decision-versions">
        <div className="card-label">{t('risk.versions')}</div>
        <div>
          {t('risk.featureSet')} {x.versions.featureSet}
        </div>
        <div>
          {t('risk.modelVersion')} {x.versions.model ?? '—'}
        </div>
        <details>
          <summary>{t('risk.parameters')}</summary>
          <ul className="small mono">
            {Object.entries(x.versions.parameters).map(([k, v]) => (
              <li key={k}>
                {k} v{v}
              </li>
            ))}
          </ul>
        </details>
        {canReplay && (
          <button
            type="button"
            data-testid="risk-replay"
            onClick={async () => setReplay(await api('GET', `/api/v1/risk/decisions/${id}/replay`))}
          >
            {t('risk.replay')}
          </button>
        )}
        {replay && (
          <div className={replay.identical ? 'ok-box' : 'error-box'} data-testid="risk-replay-result">
            {replay.identical
              ? t('risk.replayIdentical')
              : `${t('risk.replayDiffers')}: ${replay.differences.join(', ')}`}
          </div>
        )}
      </div>
    </div>
  );
}

/** The goods a decision scored, and the inspection outcome once recorded. */
export function DecisionGoods({ x }: { x: Decision }) {
  const { t, lang } = useI18n();
  return (
    <>
      <h2>{t('risk.goods')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('risk.col.hs')}</th>
            <th>{t('risk.col.description')}</th>
            <th className="num">{t('risk.col.quantity')}</th>
            <th className="num">{t('risk.col.value')}</th>
            <th>{t('risk.col.origin')}</th>
          </tr>
        </thead>
        <tbody>
          {x.input.lines.map((l, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              <td className="mono">{l.hsCode}</td>
              <td>{l.description}</td>
              <td className="num">
                {l.quantity} {l.unit}
              </td>
              <td className="num">{formatMoney(l.valueCny, lang)}</td>
              <td>{l.originCountry}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {x.outcome && (
        <div className="card" data-testid="risk-decision-outcome">
          <div className="card-label">{t('risk.outcomeSection')}</div>
          <div>
            {t(`risk.outcome.${x.outcome.outcome}` as 'risk.outcome.MATCH')} · {t('risk.recovered')}{' '}
            {formatMoney(x.outcome.revenueRecovered, lang)}
          </div>
          <div className="small">
            {x.outcome.recordedBy} · {formatDateTime(x.outcome.recordedAt, lang)}
          </div>
        </div>
      )}
    </>
  );
}
