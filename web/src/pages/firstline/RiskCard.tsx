import type { FirstLineRisk } from '../../api/firstline.ts';
import { useI18n } from '../../i18n/index.tsx';

/** The risk verdict as officers read it (never part of a trader's answer): level, score, action, features. */
export function RiskCard({ risk: r }: { risk: FirstLineRisk | null }) {
  const { t } = useI18n();
  return (
    <div className="card" data-testid="fl-risk">
      <div className="card-label">{t('fl.detail.risk')}</div>
      {r ? (
        <>
          <div className="card-title mono" data-testid="fl-risk-level">
            {r.level} · {r.action}
          </div>
          <div className="small">
            {t('fl.risk.score')} <span className="mono">{r.score}</span>
            {r.selected && ` · ${t('fl.risk.selected')}`}
          </div>
          {r.features.length > 0 && (
            <div className="small mono" data-testid="fl-risk-features">
              {r.features.map((f) => `${f.code} +${String(f.contribution)}`).join(' · ')}
            </div>
          )}
        </>
      ) : (
        <div className="card-title">—</div>
      )}
    </div>
  );
}
