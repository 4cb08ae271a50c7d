import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useVt } from '../../i18n/valueAdded.ts';
import { useCan } from '../../permissions.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';

type Status = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CLOSED';

interface Upstream {
  number: string;
  quantity: string;
  quantityUsed: string;
  importedCny: string;
  domesticCny: string;
}

interface Review {
  id: string;
  ratio: string;
  threshold: string;
  bandUpper: string;
  figures: { formula?: string; upstream?: Upstream[] };
  evidenceIds: string[];
  status: Status;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
}

const STATUSES: Status[] = ['PENDING', 'APPROVED', 'REJECTED', 'CLOSED'];

/** The officers' queue of value-added ratios just above the threshold (加工增值复核). */
export function ValueAddedReviewsPage() {
  const vt = useVt();
  const [status, setStatus] = useState<Status>('PENDING');
  const q = useQuery({
    queryKey: ['va-reviews', status],
    queryFn: () => api<{ items: Review[] }>('GET', `/api/v1/value-added/reviews?status=${status}`),
  });
  const first = q.data?.items[0];
  return (
    <section data-testid="va-reviews">
      <h1>{vt('va.title')}</h1>
      <p className="muted">{vt('va.hint', { from: first?.threshold ?? '0.30', to: first?.bandUpper ?? '0.35' })}</p>
      <div className="actions" role="tablist">
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={s === status}
            className={s === status ? 'active' : ''}
            onClick={() => setStatus(s)}
            data-testid={`va-status-${s}`}
          >
            {vt(`va.status.${s}`)}
          </button>
        ))}
      </div>
      {q.isLoading && <Spinner />}
      {q.error && <ErrorBox error={q.error} onRetry={() => void q.refetch()} />}
      {q.data?.items.length === 0 && <p className="muted">{vt('va.none')}</p>}
      {q.data?.items.map((r, i) => (
        <ReviewCard key={r.id} r={r} index={i} />
      ))}
    </section>
  );
}

function ReviewCard({ r, index }: { r: Review; index: number }) {
  const vt = useVt();
  const can = useCan();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'APPROVE' | 'REJECT') =>
      api('POST', `/api/v1/value-added/reviews/${r.id}/decision`, {
        decision,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['va-reviews'] }),
  });
  return (
    <article className="card" data-testid={`va-review-${index}`}>
      <div className="card-title">
        {vt('va.ratio', { ratio: r.ratio, threshold: r.threshold })} · {vt(`va.status.${r.status}`)}
      </div>
      {r.figures.formula && (
        <p>
          {vt('va.formula')}: <code>{r.figures.formula}</code>
        </p>
      )}
      <ul>
        {(r.figures.upstream ?? []).map((u) => (
          <li key={u.number}>
            {vt('va.upstream', {
              number: u.number,
              used: u.quantityUsed,
              quantity: u.quantity,
              imported: u.importedCny,
              domestic: u.domesticCny,
            })}
          </li>
        ))}
      </ul>
      <p className="muted">
        {vt('va.evidence', { n: r.evidenceIds.length })} ·{' '}
        {vt('va.requested', { by: r.requestedBy, at: r.requestedAt })}
      </p>
      {r.decidedBy && <p>{vt('va.decided', { by: r.decidedBy, at: r.decidedAt ?? '', reason: r.reason ?? '—' })}</p>}
      {r.status === 'PENDING' && can('POST', '/api/v1/value-added/reviews/:id/decision') && (
        <form className="form" onSubmit={(e) => e.preventDefault()}>
          <label>
            {vt('va.reason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid={`va-reason-${index}`} />
          </label>
          <div className="actions">
            <button type="button" onClick={() => decide.mutate('APPROVE')} data-testid={`va-approve-${index}`}>
              {vt('va.approve')}
            </button>
            <button type="button" onClick={() => decide.mutate('REJECT')} data-testid={`va-reject-${index}`}>
              {vt('va.reject')}
            </button>
          </div>
          {decide.error && <ErrorBox error={decide.error} />}
        </form>
      )}
    </article>
  );
}
