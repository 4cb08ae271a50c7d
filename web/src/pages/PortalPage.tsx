import { useQuery } from '@tanstack/react-query';
import { api, type SessionUser } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import type { Enterprise } from './SubjectsPanel.tsx';

interface Credit {
  class: 'ADVANCED_CERTIFIED' | 'WHITELIST' | 'FOCUS';
  reasons: { rule: string; source: string; since: string; until?: string }[];
}

export function PortalPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const me = useQuery({ queryKey: ['me'], queryFn: () => api<{ enterprise: Enterprise | null }>('GET', '/api/v1/me') });
  const uscc = me.data?.enterprise?.uscc;
  const credit = useQuery({ queryKey: ['credit', uscc], enabled: Boolean(uscc), queryFn: () => api<Credit>('GET', `/api/v1/credit/enterprise/${uscc}`) });
  if (me.isLoading) return <Spinner />;
  if (me.error) return <ErrorBox error={me.error} onRetry={() => void me.refetch()} />;
  const e = me.data?.enterprise;
  return (
    <section>
      <h1>{t('portal.title')}</h1>
      {!e ? (
        <p data-testid="portal-no-enterprise">{t('portal.noEnterprise')} ({user.username})</p>
      ) : (
        <>
          <div className="card" data-testid="portal-enterprise">
            <div className="card-label">{t('portal.myEnterprise')}</div>
            <div className="card-title">{e.name}</div>
            <div className="mono">{e.uscc}</div>
          </div>
          <div className="card" data-testid="portal-credit">
            <div className="card-label">{t('portal.credit')}</div>
            {credit.isLoading && <Spinner />}
            {credit.error && <ErrorBox error={credit.error} onRetry={() => void credit.refetch()} />}
            {credit.data && (
              <>
                <div className={`badge class-${credit.data.class}`} data-testid="portal-credit-class">
                  {t(`class.${credit.data.class}`)}
                </div>
                <h4>{t('portal.reasons')}</h4>
                <ul>
                  {credit.data.reasons.map((r, i) => (
                    <li key={i}>
                      <code>{r.rule}</code> · {r.source} · {t('portal.since')} {r.since}
                      {r.until ? ` ${t('portal.until')} ${r.until}` : ''}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        </>
      )}
    </section>
  );
}
