import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { useT } from '../i18n/index.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';

type CreditClass = 'ADVANCED_CERTIFIED' | 'WHITELIST' | 'FOCUS';
interface Credit {
  class: CreditClass;
  asOf: string;
  validUntil: string | null;
  reasons: { rule: string; source: string; since: string; until?: string; inputIds: string[] }[];
}
interface Change {
  seq: number;
  effectiveDate: string;
  from: string | null;
  to: CreditClass;
  cause: string;
}
interface Input {
  id: string;
  type: string;
  source: string;
  effectiveDate: string;
  reference: string | null;
  level: string | null;
  isLowestLevel: boolean | null;
  kind: string | null;
  action: string | null;
  withdrawn: { date: string; reason: string } | null;
}

/** Officer look-up: class on any date, the reasons, the change history and the inputs behind it. */
export function CreditLookupPanel() {
  const t = useT();
  const [uscc, setUscc] = useState('');
  const [asOf, setAsOf] = useState('');
  const [query, setQuery] = useState<{ uscc: string; asOf: string } | null>(null);
  const base = query ? `/api/v1/credit/enterprise/${encodeURIComponent(query.uscc)}` : '';
  const credit = useQuery({ queryKey: ['credit', query], enabled: Boolean(query), queryFn: () => api<Credit>('GET', `${base}${query?.asOf ? `?asOf=${query.asOf}` : ''}`) });
  const history = useQuery({ queryKey: ['credit-history', query?.uscc], enabled: Boolean(query), queryFn: () => api<{ items: Change[] }>('GET', `${base}/history`) });
  const inputs = useQuery({ queryKey: ['credit-inputs', query?.uscc], enabled: Boolean(query), queryFn: () => api<{ items: Input[] }>('GET', `${base}/inputs`) });
  return (
    <div className="card" data-testid="credit-lookup">
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ uscc: uscc.trim().toUpperCase(), asOf });
        }}
      >
        <input data-testid="credit-uscc" className="mono" placeholder={t('credit.uscc')} value={uscc} onChange={(e) => setUscc(e.target.value)} />
        <input data-testid="credit-asof" type="date" aria-label={t('credit.asOf')} value={asOf} onChange={(e) => setAsOf(e.target.value)} />
        <button type="submit" data-testid="credit-submit">{t('common.search')}</button>
      </form>
      {credit.isFetching && <Spinner />}
      {credit.error && <ErrorBox error={credit.error} />}
      {credit.data && (
        <>
          <div className={`badge class-${credit.data.class}`} data-testid="credit-class">
            {t(`class.${credit.data.class}`)}
          </div>
          <span> · {credit.data.asOf} · {t('credit.validUntil')} {credit.data.validUntil ?? t('credit.openEnded')}</span>
          <ul data-testid="credit-reasons">
            {credit.data.reasons.map((r, i) => (
              <li key={i}>
                <code>{r.rule}</code> · {r.source} · {t('portal.since')} {r.since}
                {r.until ? ` ${t('portal.until')} ${r.until}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {history.data && history.data.items.length > 0 && (
        <>
          <h4>{t('credit.history')}</h4>
          <table className="table" data-testid="credit-history">
            <thead>
              <tr><th>{t('credit.col.date')}</th><th>{t('credit.col.from')}</th><th>{t('credit.col.to')}</th><th>{t('credit.col.cause')}</th></tr>
            </thead>
            <tbody>
              {history.data.items.map((c) => (
                <tr key={c.seq}>
                  <td>{c.effectiveDate}</td>
                  <td>{c.from ? t(`class.${c.from as CreditClass}`) : ''}</td>
                  <td>{t(`class.${c.to}`)}</td>
                  <td>{c.cause}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {inputs.data && inputs.data.items.length > 0 && (
        <>
          <h4>{t('credit.inputs')}</h4>
          <table className="table" data-testid="credit-inputs">
            <thead>
              <tr><th>{t('credit.col.date')}</th><th>{t('credit.col.source')}</th><th>{t('credit.col.type')}</th><th>{t('credit.col.detail')}</th><th>{t('credit.col.withdrawn')}</th></tr>
            </thead>
            <tbody>
              {inputs.data.items.map((i) => (
                <tr key={i.id} className={i.withdrawn ? 'withdrawn' : ''}>
                  <td>{i.effectiveDate}</td>
                  <td>{i.source}</td>
                  <td>{i.type}</td>
                  <td>{[i.level && `${i.level}${i.isLowestLevel ? ' (lowest)' : ''}`, i.kind, i.action, i.reference].filter(Boolean).join(' · ')}</td>
                  <td>{i.withdrawn ? `${i.withdrawn.date}: ${i.withdrawn.reason}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
