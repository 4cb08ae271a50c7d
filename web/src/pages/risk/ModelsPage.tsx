import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, session } from '../../api.ts';
import { useT } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { Model } from '../../api/wire.ts';
import { ModelRow } from './ModelRow.tsx';
import { ModelCharts } from './ModelCharts.tsx';
import { useCan } from '../../permissions.tsx';

/** The learned models: versions with validation metrics, backtests, governance, and how they do week by week. */
export function ModelsPage() {
  const t = useT();
  const qc = useQueryClient();
  const models = useQuery({
    queryKey: ['risk-models'],
    queryFn: () => api<{ items: Model[] }>('GET', '/api/v1/risk/models'),
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const me = `user:${session.user()?.username ?? ''}`;
  const analyst = useCan()('POST', '/api/v1/risk/models/train');
  const act = async (method: string, path: string, body?: unknown) => {
    setBusy(true);
    setProblem(null);
    try {
      await api(method, path, body);
      await qc.invalidateQueries({ queryKey: ['risk-models'] });
    } catch (err) {
      if (err instanceof ApiError) setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  if (models.isLoading) return <Spinner />;
  if (models.error || !models.data) return <ErrorBox error={models.error} onRetry={() => void models.refetch()} />;
  return (
    <div data-testid="risk-models">
      {analyst && (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void act('POST', '/api/v1/risk/models/train', {})}
            data-testid="risk-model-train"
          >
            {t('risk.train')}
          </button>
        </div>
      )}
      {busy && <Spinner />}
      {problem && (
        <div data-testid="risk-model-problem">
          <ErrorBox error={problem} />
        </div>
      )}
      {models.data.items.length === 0 ? (
        <p>{t('risk.noModels')}</p>
      ) : (
        <table className="table" data-testid="risk-models-table">
          <thead>
            <tr>
              <th>{t('risk.col.version')}</th>
              <th>{t('risk.col.status')}</th>
              <th>{t('risk.col.algorithm')}</th>
              <th className="num">AUC</th>
              <th className="num">P@5%</th>
              <th className="num">P@10%</th>
              <th className="num">{t('risk.col.labelled')}</th>
              <th>{t('risk.author')}</th>
              <th>{t('risk.approver')}</th>
              <th>{t('risk.col.backtest')}</th>
              {analyst && <th />}
            </tr>
          </thead>
          <tbody>
            {models.data.items.map((m) => (
              <ModelRow key={m.version} m={m} analyst={analyst} busy={busy} me={me} act={act} />
            ))}
          </tbody>
        </table>
      )}
      <ModelCharts models={models.data.items} />
    </div>
  );
}
