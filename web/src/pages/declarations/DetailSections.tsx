import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { DeclarationDetailView } from '../../api/wire.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useCan } from '../../permissions.tsx';
import { BillTable } from './parts.tsx';

// The goods and taxes sections live beside these; the detail page reads all four sections from here.
export { DeclarationLines, DeclarationTaxes } from './DetailGoods.tsx';

/** Tax bills, batches, versions and the state trail with its audit entries. */
export function DeclarationHistory({ x }: { x: DeclarationDetailView }) {
  const { t } = useI18n();
  return (
    <>
      {x.taxBills.length > 0 && (
        <>
          <h2>{t('decl.bills')}</h2>
          <BillTable bills={x.taxBills} />
        </>
      )}

      {x.batches.length > 0 && (
        <>
          <h2>{t('decl.month.batches')}</h2>
          <ul>
            {x.batches.map((b) => (
              <li key={b.id}>
                <a href={`#/declarations/${b.id}`}>{b.businessDate}</a> {b.state}
              </li>
            ))}
          </ul>
        </>
      )}

      {x.versions.length > 1 && (
        <>
          <h2>{t('decl.versions')}</h2>
          <ul>
            {x.versions.map((v) => (
              <li key={v.id}>
                <a href={`#/declarations/${v.id}`}>v{v.version}</a> {v.state}
              </li>
            ))}
          </ul>
        </>
      )}

      <h2>{t('decl.trail')}</h2>
      <ol className="timeline" data-testid="decl-trail">
        {x.transitions.map((tr, i) => (
          <li key={i}>
            <span className="mono small">{tr.at}</span> {tr.from ?? '∅'} → <strong>{tr.to}</strong> — {tr.reason}{' '}
            <span className="small">
              ({tr.rule}, {tr.actor}, audit #{tr.auditSeq})
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

/** Accept or reject a held declaration (officers) or cancel it (the declarant), with a reason. */
export function DeclarationActions({ x }: { x: DeclarationDetailView }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const can = useCan();
  const [reason, setReason] = useState('');
  const act = useMutation({
    mutationFn: (what: 'accept' | 'reject' | 'cancel') =>
      api('POST', `/api/v1/declarations/${x.id}/${what}`, { reason }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['declaration', x.id] }),
  });
  const officer = can('POST', '/api/v1/declarations/:id/accept') && can('POST', '/api/v1/declarations/:id/reject');
  return (
    <>
      <div className="actions">
        <input
          placeholder={t('decl.reasonPlaceholder')}
          aria-label={t('decl.reasonPlaceholder')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-testid="decl-action-reason"
        />
        {officer && x.state === 'HELD' && (
          <>
            <button type="button" onClick={() => act.mutate('accept')} data-testid="decl-accept">
              {t('decl.accept')}
            </button>
            <button type="button" onClick={() => act.mutate('reject')} data-testid="decl-reject">
              {t('decl.reject')}
            </button>
          </>
        )}
        {can('POST', '/api/v1/declarations/:id/cancel') && (
          <button type="button" onClick={() => act.mutate('cancel')} data-testid="decl-cancel">
            {t('decl.cancel')}
          </button>
        )}
      </div>
      {act.error && <ErrorBox error={act.error} />}
    </>
  );
}
