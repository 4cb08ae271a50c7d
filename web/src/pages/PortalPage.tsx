import { useQuery } from '@tanstack/react-query';
import { api, type SessionUser } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import type { Enterprise } from './SubjectsPanel.tsx';
import { CreditSummary } from './credit/CreditReasons.tsx';
import { CreditHistory } from './credit/CreditHistory.tsx';
import { CreditMeasures } from './credit/CreditMeasures.tsx';
import type { Credit, History, Measures } from '../api/wire.ts';

export function PortalPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const me = useQuery({ queryKey: ['me'], queryFn: () => api<{ enterprise: Enterprise | null }>('GET', '/api/v1/me') });
  const uscc = me.data?.enterprise?.uscc;
  const credit = useQuery({
    queryKey: ['credit', uscc],
    enabled: Boolean(uscc),
    queryFn: () => api<Credit>('GET', `/api/v1/credit/enterprise/${uscc}`),
  });
  const measures = useQuery({
    queryKey: ['credit-measures', uscc],
    enabled: Boolean(uscc),
    queryFn: () => api<Measures>('GET', `/api/v1/credit/enterprise/${uscc}/measures`),
  });
  const history = useQuery({
    queryKey: ['credit-history', uscc],
    enabled: Boolean(uscc),
    queryFn: () => api<History>('GET', `/api/v1/credit/enterprise/${uscc}/history`),
  });
  if (me.isLoading) return <Spinner />;
  if (me.error) return <ErrorBox error={me.error} onRetry={() => void me.refetch()} />;
  const e = me.data?.enterprise;
  return (
    <section>
      <h1>{t('portal.title')}</h1>
      {!e ? (
        <p data-testid="portal-no-enterprise">
          {t('portal.noEnterprise')} <span data-raw>({user.username})</span>
        </p>
      ) : (
        <>
          <div className="card" data-testid="portal-enterprise">
            <div className="card-label">{t('portal.myEnterprise')}</div>
            <div className="card-title" data-raw>
              {e.name}
            </div>
            <div className="mono">{e.uscc}</div>
          </div>
          <div className="card" data-testid="portal-credit">
            <div className="card-label">{t('portal.credit')}</div>
            {credit.isLoading && <Spinner />}
            {credit.error && <ErrorBox error={credit.error} onRetry={() => void credit.refetch()} />}
            {credit.data && <CreditSummary credit={credit.data} testId="portal-credit" />}
            {measures.data && (
              <>
                <h4>{t('credit.measures')}</h4>
                <CreditMeasures measures={measures.data} enterprise />
              </>
            )}
            {history.data && <CreditHistory history={history.data} testId="portal-credit" />}
          </div>
        </>
      )}
    </section>
  );
}
