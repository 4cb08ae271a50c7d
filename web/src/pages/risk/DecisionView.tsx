import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { ScoreBar } from './charts.tsx';
import { PORT_NAMES } from '../../api/ports.ts';
import type { Decision } from '../../api/wire.ts';
import { LEVEL_COLOR } from './levels.ts';
import { formatDateTime } from '../../format.ts';
import { DecisionFeatures, DecisionModel } from './DecisionFeatures.tsx';
import { DecisionCards, DecisionGoods } from './DecisionCards.tsx';

const PALETTE = ['#0b4f8a', '#1e7d4f', '#7b3fa0', '#b7791f', '#2c7a7b', '#8a4b08', '#4a5568', '#c05621'];

/** One declaration's risk decision and why (风险研判结果及依据). */
export function DecisionView({ id, canReplay }: { id: string; canReplay: boolean }) {
  const { t, lang } = useI18n();
  const d = useQuery({
    queryKey: ['risk-decision', id],
    queryFn: () => api<Decision>('GET', `/api/v1/risk/decisions/${id}`),
  });
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

      <DecisionFeatures x={x} />

      <DecisionModel x={x} />

      <DecisionCards x={x} id={id} canReplay={canReplay} />

      <DecisionGoods x={x} />
    </div>
  );
}
