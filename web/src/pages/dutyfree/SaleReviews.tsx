import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useDt } from '../../i18n/dutyfree.ts';
import { useCan } from '../../permissions.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { SaleReview as Review } from '../../api/wire.ts';

/** Sales reviewed because of the buyer's personal credit level (D: every sale). */
export function SaleReviews() {
  const dt = useDt();
  const q = useQuery({
    queryKey: ['df-reviews'],
    queryFn: () => api<{ items: Review[] }>('GET', '/api/v1/dutyfree/sale-reviews?status=OPEN'),
  });
  if (q.isLoading) return <Spinner />;
  if (q.error) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <section data-testid="df-reviews">
      {q.data!.items.length === 0 && <p className="muted">{dt('df.review.none')}</p>}
      {q.data!.items.map((r, i) => (
        <ReviewRow key={r.reservationId} r={r} index={i} />
      ))}
    </section>
  );
}

function ReviewRow({ r, index }: { r: Review; index: number }) {
  const dt = useDt();
  const can = useCan();
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const close = useMutation({
    mutationFn: (outcome: 'NORMAL' | 'SUSPECT') =>
      api('POST', `/api/v1/dutyfree/sale-reviews/${r.reservationId}`, { outcome, note }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['df-reviews'] }),
  });
  return (
    <article className="card" data-testid={`df-review-${index}`}>
      <div className="card-title">
        <a href={`#/dutyfree/buyers/${r.buyer.buyerId}`}>{r.buyer.name}</a> · {r.shop} · {r.amount} ·{' '}
        {dt('df.review.level', { level: r.level, score: r.score })}
      </div>
      {can('POST', '/api/v1/dutyfree/sale-reviews/:reservationId') && (
        <form className="form" onSubmit={(e) => e.preventDefault()}>
          <input
            placeholder={dt('df.review.note')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            data-testid={`df-review-note-${index}`}
          />
          <div className="actions">
            <button type="button" onClick={() => close.mutate('NORMAL')} data-testid={`df-review-normal-${index}`}>
              {dt('df.review.NORMAL')}
            </button>
            <button type="button" onClick={() => close.mutate('SUSPECT')}>
              {dt('df.review.SUSPECT')}
            </button>
          </div>
          {close.error && <ErrorBox error={close.error} />}
        </form>
      )}
    </article>
  );
}
