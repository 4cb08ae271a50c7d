import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { Pending, Verify } from './model.ts';

export function AuditorPanel() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const pending = useQuery({
    queryKey: ['ledger-pending'],
    queryFn: () => api<{ items: Pending[] }>('GET', '/api/v1/ledger/adjustments/pending'),
  });
  const decide = useMutation({
    mutationFn: (v: { id: string; approve: boolean }) =>
      api('POST', `/api/v1/ledger/documents/${v.id}/decision`, { approve: v.approve }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['ledger-pending'] });
      void qc.invalidateQueries({ queryKey: ['ledger-items'] });
    },
  });
  const verify = useMutation({ mutationFn: () => api<Verify>('POST', '/api/v1/ledger/verify', {}) });
  return (
    <div className="card" data-testid="ledger-auditor">
      <div className="card-label">{t('ledger.auditor')}</div>
      <h3>{t('ledger.pending')}</h3>
      {pending.isLoading && <Spinner />}
      {pending.data && !pending.data.items.length && <p className="small">{t('ledger.noPending')}</p>}
      {pending.data && pending.data.items.length > 0 && (
        <table className="table small" data-testid="ledger-pending">
          <tbody>
            {pending.data.items.map((p) => (
              <tr key={p.id} data-testid={`pending-${p.id}`}>
                <td>{p.businessDate}</td>
                <td data-raw>{p.reason}</td>
                <td className="mono small">{JSON.stringify((p.body as { lines?: unknown }).lines)}</td>
                <td className="mono small">{p.createdBy}</td>
                <td>
                  <button
                    type="button"
                    className="primary"
                    onClick={() => decide.mutate({ id: p.id, approve: true })}
                    data-testid={`approve-${p.id}`}
                  >
                    {t('ledger.approve')}
                  </button>{' '}
                  <button
                    type="button"
                    onClick={() => decide.mutate({ id: p.id, approve: false })}
                    data-testid={`reject-${p.id}`}
                  >
                    {t('ledger.reject')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {decide.error && <ErrorBox error={decide.error} />}
      <div className="actions">
        <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending} data-testid="ledger-verify">
          {t('ledger.runVerifier')}
        </button>
      </div>
      {verify.data && (
        <p data-testid="ledger-verify-result" className={verify.data.ok ? '' : 'warn'}>
          {verify.data.ok
            ? t('ledger.verifyOk', { books: verify.data.books, movements: verify.data.movements })
            : `${t('ledger.verifyFailed')}: ${verify.data.firstProblem}`}
        </p>
      )}
      {verify.error && <ErrorBox error={verify.error} />}
    </div>
  );
}
