import { useT } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import type { Model } from '../../api/wire.ts';
import { pct } from './levels.ts';
import { metric } from './ModelCharts.tsx';

/** One model version in the table, with its backtest and, for an analyst, its governance buttons. */
export function ModelRow({
  m,
  analyst,
  busy,
  me,
  act,
}: {
  m: Model;
  analyst: boolean;
  busy: boolean;
  me: string;
  act: (method: string, path: string, body?: unknown) => Promise<void>;
}) {
  const t = useT();
  const pending = m.status === 'DRAFT' || m.status === 'SHADOW';
  const bt = m.latestBacktest?.metrics as
    | { known?: Record<string, number> | null; wouldBeRedRate?: number }
    | undefined;
  return (
    <tr data-testid={`risk-model-row-${m.version}`}>
      <td>v{m.version}</td>
      <td>
        <span className={`status status-${m.status}`}>{t(`risk.status.${m.status}` as MessageKey)}</span>
      </td>
      <td className="mono small">{m.algorithm}</td>
      <td className="num">{metric(m, 'auc')?.toFixed(3) ?? '—'}</td>
      <td className="num">{pct(metric(m, 'precision@5%'))}</td>
      <td className="num">{pct(metric(m, 'precision@10%'))}</td>
      <td className="num">{String(m.training.labelled ?? '')}</td>
      <td>{m.createdBy}</td>
      <td>{m.approvedBy ?? ''}</td>
      <td className="small">
        {bt ? `AUC ${bt.known?.auc?.toFixed(3) ?? '—'} · ${t('risk.redRate')} ${pct(bt.wouldBeRedRate)}` : '—'}
      </td>
      {analyst && (
        <td className="actions">
          {m.status !== 'RETIRED' && (
            <button
              type="button"
              disabled={busy}
              onClick={() => void act('POST', `/api/v1/risk/models/${m.version}/backtest`, {})}
              data-testid={`risk-model-backtest-${m.version}`}
            >
              {t('risk.backtest')}
            </button>
          )}
          {m.status === 'DRAFT' && (
            <button
              type="button"
              disabled={busy}
              onClick={() => void act('POST', `/api/v1/risk/models/${m.version}/shadow`)}
            >
              {t('risk.shadow')}
            </button>
          )}
          {pending && (
            <button
              type="button"
              className="primary"
              disabled={busy || m.createdBy === me}
              title={m.createdBy === me ? t('risk.fourEyesHint') : ''}
              onClick={() => void act('POST', `/api/v1/risk/models/${m.version}/approve`)}
              data-testid={`risk-model-approve-${m.version}`}
            >
              {t('risk.approve')}
            </button>
          )}
          {m.status !== 'RETIRED' && (
            <button
              type="button"
              disabled={busy}
              onClick={() => void act('POST', `/api/v1/risk/models/${m.version}/retire`)}
            >
              {t('risk.retire')}
            </button>
          )}
        </td>
      )}
    </tr>
  );
}
