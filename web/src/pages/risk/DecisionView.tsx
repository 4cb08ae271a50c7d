import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { ScoreBar } from './charts.tsx';
import { PORT_NAMES } from '../../api/ports.ts';
import type { Decision, Fired } from '../../api/wire.ts';
import { LEVEL_COLOR, pct } from './levels.ts';
import { formatDateTime, formatMoney } from '../../format.ts';

const PALETTE = ['#0b4f8a', '#1e7d4f', '#7b3fa0', '#b7791f', '#2c7a7b', '#8a4b08', '#4a5568', '#c05621'];

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

/** One declaration's risk decision and why (风险研判结果及依据). */
export function DecisionView({ id, canReplay }: { id: string; canReplay: boolean }) {
  const { t, lang } = useI18n();
  const d = useQuery({
    queryKey: ['risk-decision', id],
    queryFn: () => api<Decision>('GET', `/api/v1/risk/decisions/${id}`),
  });
  const [replay, setReplay] = useState<{ identical: boolean; differences: string[] } | null>(null);
  if (d.isLoading) return <Spinner />;
  if (d.error || !d.data) return <ErrorBox error={d.error} onRetry={() => void d.refetch()} />;
  const x = d.data;
  const parts = [
    ...x.features.map((f, i) => ({ label: f.code, value: f.contribution, color: PALETTE[i % PALETTE.length]! })),
    ...(x.model ? [{ label: t('risk.modelPart'), value: Number(x.modelScore), color: '#c0392b' }] : []),
  ];
  return (
    <div data-testid="risk-decision">
      <p>
        <a href="#/risk">← {t('risk.backToQueue')}</a>
      </p>
      <div className="card decision-head">
        <span
          className="level-badge big"
          style={{ background: LEVEL_COLOR[x.level] }}
          data-testid="risk-decision-level"
        >
          {t(`risk.level.${x.level}`)}
        </span>
        <div>
          <div className="card-title">
            {t('risk.score')} <span data-testid="risk-decision-score">{Number(x.score).toFixed(1)}</span> ·{' '}
            {t(`risk.action.${x.action}`)}
          </div>
          <div className="small">
            {x.enterpriseName} <span className="mono">{x.uscc}</span> ·{' '}
            {t(`risk.kind.${x.kind}` as 'risk.kind.FIRST_LINE_IMPORT')} ·{' '}
            {(PORT_NAMES[x.port] ?? [x.port, x.port])[lang === 'zh-CN' ? 0 : 1]} · {formatDateTime(x.decidedAt, lang)}
          </div>
          <div className="small mono">{x.declarationId}</div>
        </div>
      </div>
      <ScoreBar parts={parts} total={Number(x.score)} />
      <p className="small">
        {t('risk.scoreExplained', {
          features: Number(x.featureScore).toFixed(1),
          model: Number(x.modelScore).toFixed(1),
        })}
        {x.forcedBy && (
          <>
            {' '}
            · <strong>{t('risk.forcedBy', { code: x.forcedBy })}</strong>
          </>
        )}
      </p>

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

      <div className="cards">
        <div className="card" data-testid="risk-decision-selection">
          <div className="card-label">{t('risk.selection')}</div>
          <div>{x.selected ? t('risk.selectedYes') : t('risk.selectedNo')}</div>
          <div className="small">
            {x.reasons.map((r) => t(`risk.reason.${r}` as 'risk.reason.RISK_RED')).join('；')}
          </div>
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
    </div>
  );
}
