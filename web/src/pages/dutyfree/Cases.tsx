import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, session } from '../../api.ts';
import { useDt } from '../../i18n/dutyfree.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useCan } from '../../permissions.tsx';
import { formatDateTime } from '../../format.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import type { Case } from '../../api/wire.ts';

/** Cases: those awaiting a second officer first, then the decided ones with what they did. */
export function Cases() {
  const dt = useDt();
  const q = useQuery({
    queryKey: ['df-cases'],
    queryFn: () => api<{ items: Case[] }>('GET', '/api/v1/dutyfree/cases'),
  });
  if (q.isLoading) return <Spinner />;
  if (q.error) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  const items = [...q.data!.items].sort((a, b) => Number(b.status === 'PROPOSED') - Number(a.status === 'PROPOSED'));
  return (
    <section data-testid="df-cases">
      {!items.some((c) => c.status === 'PROPOSED') && <p className="muted">{dt('df.case.none')}</p>}
      {items.map((c, i) => (
        <CaseCard key={c.caseId} c={c} index={i} />
      ))}
    </section>
  );
}

function CaseCard({ c, index }: { c: Case; index: number }) {
  const dt = useDt();
  const { lang } = useI18n();
  const can = useCan();
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const me = `user:${session.user()?.username ?? ''}`;
  const decide = useMutation({
    mutationFn: (decision: 'APPROVE' | 'REJECT') =>
      api<Case>('POST', `/api/v1/dutyfree/cases/${c.caseId}/decision`, { decision, note }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['df-cases'] });
      void qc.invalidateQueries({ queryKey: ['df-yellow'] });
    },
  });
  const bans = (c.effects ?? []).filter((e) => e.banId);
  return (
    <article className="card" data-testid={`df-case-${index}`}>
      <div className="card-title">
        {dt(`df.case.proposal.${c.proposal}`)} · {dt('df.case.buyers', { n: c.buyerIds.length })} ·{' '}
        <span className={`status status-${c.status}`} data-testid={`df-case-status-${index}`}>
          {dt(`df.case.status.${c.status}`)}
        </span>
        {c.ringId && (
          <>
            {' '}
            · <a href={`#/dutyfree/rings/${c.ringId}`}>{dt('df.ring.title')}</a>
          </>
        )}
      </div>
      <p>{c.note}</p>
      <p className="muted small">
        {dt('df.case.proposedBy', { who: c.proposedBy, at: formatDateTime(c.proposedAt, lang) })}
      </p>
      {c.decidedBy && (
        <p className="muted small">
          {dt('df.case.decidedBy', { who: c.decidedBy, at: formatDateTime(c.decidedAt, lang) })} — {c.decisionNote}
        </p>
      )}
      {bans.length > 0 && (
        <p data-testid={`df-case-effects-${index}`}>
          {dt('df.case.effects', { bans: bans.length, until: bans[0]!.banTo! })}
        </p>
      )}
      {c.status === 'PROPOSED' && c.proposedBy === me && <p className="muted">{dt('df.case.ownCase')}</p>}
      {c.status === 'PROPOSED' && c.proposedBy !== me && can('POST', '/api/v1/dutyfree/cases/:id/decision') && (
        <form className="form" onSubmit={(e) => e.preventDefault()}>
          <label>
            {dt('df.case.note')}
            <textarea
              rows={2}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              data-testid={`df-case-note-${index}`}
            />
          </label>
          <div className="actions">
            <button
              type="button"
              onClick={() => decide.mutate('APPROVE')}
              disabled={decide.isPending}
              data-testid={`df-case-approve-${index}`}
            >
              {dt('df.case.approve')}
            </button>
            <button
              type="button"
              onClick={() => decide.mutate('REJECT')}
              disabled={decide.isPending}
              data-testid={`df-case-reject-${index}`}
            >
              {dt('df.case.reject')}
            </button>
          </div>
          {decide.error && <ErrorBox error={decide.error} />}
        </form>
      )}
    </article>
  );
}
