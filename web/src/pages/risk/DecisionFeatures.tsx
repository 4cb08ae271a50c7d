import { useI18n } from '../../i18n/index.tsx';
import type { Decision, Fired } from '../../api/wire.ts';
import { pct } from './levels.ts';

function Evidence({ f }: { f: Fired }) {
  return (
    <ul className="evidence">
      {Object.entries(f.evidence).map(([k, v]) => (
        <li key={k}>
          <code>{k}</code> = <strong>{v === null ? '—' : String(v)}</strong>
        </li>
      ))}
    </ul>
  );
}

/** The features a decision fired, with their points, lines and evidence, and the shadow ones. */
export function DecisionFeatures({ x }: { x: Decision }) {
  const { t } = useI18n();
  return (
    <>
      <h2>{t('risk.firedFeatures')}</h2>
      {x.features.length === 0 ? (
        <p>{t('risk.noFeatures')}</p>
      ) : (
        <table className="table" data-testid="risk-decision-features">
          <thead>
            <tr>
              <th>{t('risk.col.feature')}</th>
              <th className="num">{t('risk.col.points')}</th>
              <th>{t('risk.col.lines')}</th>
              <th>{t('risk.col.evidence')}</th>
            </tr>
          </thead>
          <tbody>
            {x.features.map((f) => (
              <tr key={f.code}>
                <td>
                  <div>{f.name}</div>
                  <div className="mono small">
                    {f.code} v{f.version}
                    {f.forceLevel ? ` · ≥${t(`risk.level.${f.forceLevel}`)}` : ''}
                  </div>
                </td>
                <td className="num">{f.contribution}</td>
                <td>{f.lines.map((l) => l + 1).join(', ')}</td>
                <td>
                  <Evidence f={f} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {x.shadowFeatures.length > 0 && (
        <p className="small" data-testid="risk-decision-shadow">
          {t('risk.shadowFired')}: {x.shadowFeatures.map((f) => `${f.code} v${f.version}`).join(', ')}
        </p>
      )}
    </>
  );
}

/** The model's probability for a decision and the drivers behind it. */
export function DecisionModel({ x }: { x: Decision }) {
  const { t } = useI18n();
  return (
    <>
      <h2>{t('risk.modelSection')}</h2>
      {x.model ? (
        <div className="card" data-testid="risk-decision-model">
          <div>{t('risk.modelProbability', { version: x.model.version, p: pct(x.model.probability) })}</div>
          <table className="table">
            <thead>
              <tr>
                <th>{t('risk.col.driver')}</th>
                <th>{t('risk.col.value')}</th>
                <th className="num">{t('risk.col.contribution')}</th>
              </tr>
            </thead>
            <tbody>
              {x.model.drivers.map((dr) => (
                <tr key={dr.feature}>
                  <td className="mono">{dr.feature}</td>
                  <td>{dr.value === null ? '—' : String(dr.value)}</td>
                  <td className={`num ${dr.contribution > 0 ? 'up' : 'down'}`}>
                    {dr.contribution > 0 ? '+' : ''}
                    {dr.contribution.toFixed(3)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {x.shadowModel && (
            <p className="small">
              {t('risk.shadowModel', { version: x.shadowModel.version, p: pct(x.shadowModel.probability) })}
            </p>
          )}
        </div>
      ) : (
        <p>{t('risk.noModel')}</p>
      )}
    </>
  );
}
