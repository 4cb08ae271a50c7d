import { useI18n } from '../../i18n/index.tsx';
import type { Backtest } from '../../api/wire.ts';
import { pct } from './levels.ts';
import { formatDateTime } from '../../format.ts';

interface Confusion {
  labelled: number;
  positives: number;
  hitsLabelled: number;
  hitsPositive: number;
  precision: number | null;
  recall: number | null;
  baseRate: number | null;
}

/** A feature backtest: hits, would-be inspection rate, precision and recall on known outcomes, revenue. */
export function BacktestResult({ backtest }: { backtest: Backtest }) {
  const { t, lang } = useI18n();
  const m = backtest.metrics as {
    declarations: number;
    hits: number;
    hitRate: number | null;
    inspectionRate: number | null;
    wouldBeInspectionRate: number | null;
    known: Confusion;
    unbiasedSample: Confusion;
    lift: number | null;
    revenueShare: number | null;
    revenueRecoveredCaught: string;
    revenueAtStakeOfHits: string;
  };
  return (
    <div className="card" data-testid="risk-backtest">
      <div className="card-label">
        {t('risk.backtestOf', { at: formatDateTime(backtest.runAt, lang), by: backtest.runBy })}
      </div>
      <div className="cards compact">
        <div>
          <div className="card-label">{t('risk.bt.declarations')}</div>
          <div className="card-value small-value" data-testid="risk-bt-declarations">
            {m.declarations}
          </div>
        </div>
        <div>
          <div className="card-label">{t('risk.bt.hits')}</div>
          <div className="card-value small-value" data-testid="risk-bt-hits">
            {m.hits} ({pct(m.hitRate)})
          </div>
        </div>
        <div>
          <div className="card-label">{t('risk.bt.inspectionRate')}</div>
          <div className="card-value small-value">
            {pct(m.inspectionRate)} → {pct(m.wouldBeInspectionRate)}
          </div>
        </div>
        <div>
          <div className="card-label">{t('risk.bt.precision')}</div>
          <div className="card-value small-value" data-testid="risk-bt-precision">
            {pct(m.known.precision)}
          </div>
          <div className="small">
            {t('risk.bt.baseRate')} {pct(m.known.baseRate)}
            {m.lift ? ` · ×${m.lift}` : ''}
          </div>
        </div>
        <div>
          <div className="card-label">{t('risk.bt.recall')}</div>
          <div className="card-value small-value">{pct(m.known.recall)}</div>
          <div className="small">
            {m.known.hitsPositive}/{m.known.positives}
          </div>
        </div>
        <div>
          <div className="card-label">{t('risk.bt.unbiased')}</div>
          <div className="card-value small-value">{pct(m.unbiasedSample.precision)}</div>
          <div className="small">
            {m.unbiasedSample.hitsLabelled}/{m.unbiasedSample.labelled}
          </div>
        </div>
        <div>
          <div className="card-label">{t('risk.bt.revenue')}</div>
          <div className="card-value small-value">{pct(m.revenueShare)}</div>
          <div className="small">{Number(m.revenueRecoveredCaught).toLocaleString()}</div>
        </div>
      </div>
    </div>
  );
}
