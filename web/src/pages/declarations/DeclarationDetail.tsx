import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { StateBadge } from './parts.tsx';
import type { DeclarationDetailView } from '../../api/wire.ts';
import { DeclarationActions, DeclarationHistory, DeclarationLines, DeclarationTaxes } from './DetailSections.tsx';

/**
 * A declaration: state and reasons, the book movements it reserved and posted, taxes with formulas, bills,
 * versions and the audit trail.
 */
export function DeclarationDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const d = useQuery({
    queryKey: ['declaration', id],
    queryFn: () => api<DeclarationDetailView>('GET', `/api/v1/declarations/${id}`),
  });
  if (d.isLoading) return <Spinner />;
  if (d.error) return <ErrorBox error={d.error} onRetry={() => void d.refetch()} />;
  const x = d.data!;
  const live =
    !['EXITED', 'REJECTED', 'CANCELLED', 'AMENDED'].includes(x.state) && x.kind !== 'CENTRALIZED_DECLARATION';
  return (
    <section data-testid="decl-detail">
      <p>
        <a href="#/declarations">← {t('decl.title')}</a>
      </p>
      <h1>
        {t(`decl.kind.${x.kind}` as 'decl.kind.SECOND_LINE_EXIT')} <span className="small mono">{x.id}</span>
      </h1>
      <div className="decision-head">
        <StateBadge state={x.state} />
        <span data-testid="decl-reason">{x.stateReason}</span>
      </div>
      <div className="cards">
        <div className="card">
          <div className="card-label">{t('decl.col.port')}</div>
          <div className="card-title mono">{x.portCode}</div>
        </div>
        <div className="card">
          <div className="card-label">{t('decl.regime')}</div>
          <div className="card-title">{x.regime ?? '—'}</div>
        </div>
        {/* Officers only: the API gives a declarant no risk verdict, and its page has no place for one. */}
        {x.risk !== undefined && (
          <div className="card">
            <div className="card-label">{t('decl.risk')}</div>
            <div className="card-title" data-testid="decl-risk">
              {x.risk ? `${String(x.risk.level)} · ${String(x.risk.action)}` : '—'}
            </div>
            {x.risk && (
              <div className="small mono hash" data-raw>
                {JSON.stringify(x.risk.versions ?? {})}
              </div>
            )}
          </div>
        )}
        <div className="card">
          <div className="card-label">{t('decl.releaseOrder')}</div>
          <div className="small mono">{x.releaseOrderId ?? '—'}</div>
        </div>
      </div>

      <DeclarationLines x={x} />
      <DeclarationTaxes x={x} />
      <DeclarationHistory x={x} />
      {live && <DeclarationActions x={x} />}
    </section>
  );
}
