import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { useT } from '../i18n/index.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { CreditSummary } from './credit/CreditReasons.tsx';
import { CreditHistory } from './credit/CreditHistory.tsx';
import { CreditMeasures } from './credit/CreditMeasures.tsx';
import { useCreditLabels } from './credit/labels.ts';
import type { Credit, History, InputRow, Measures, SubjectKindPath } from '../api/wire.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESIDENT_ID = /^\d{17}[\dXx]$/;

/** Officer look-up: class on any date with its reasons and measures, the history, and the inputs by department. */
export function CreditLookupPanel() {
  const t = useT();
  const labels = useCreditLabels();
  const [kind, setKind] = useState<SubjectKindPath>('enterprise');
  const [code, setCode] = useState('');
  const [asOf, setAsOf] = useState('');
  const [query, setQuery] = useState<{ kind: SubjectKindPath; code: string; asOf: string } | null>(null);
  // An individual is named by the ID number on the document; the API knows the person by Tidegate id.
  const byIdNumber = query?.kind === 'individual' && !UUID.test(query.code);
  const person = useQuery({
    queryKey: ['individual-lookup', query?.code],
    enabled: byIdNumber,
    queryFn: () =>
      api<{ id: string; name: string; idNumber: string }>('POST', '/api/v1/individuals/lookup', {
        idType: RESIDENT_ID.test(query!.code) ? 'RESIDENT_ID' : 'PASSPORT',
        idNumber: query!.code.toUpperCase(),
      }),
  });
  const subject = !query ? null : byIdNumber ? (person.data?.id ?? null) : query.code;
  const base = subject ? `/api/v1/credit/${query!.kind}/${encodeURIComponent(subject)}` : '';
  const at = query?.asOf ? `?asOf=${query.asOf}` : '';
  const credit = useQuery({
    queryKey: ['credit', subject, query?.asOf],
    enabled: Boolean(subject),
    queryFn: () => api<Credit>('GET', `${base}${at}`),
  });
  const measures = useQuery({
    queryKey: ['credit-measures', subject, query?.asOf],
    enabled: Boolean(subject),
    queryFn: () => api<Measures>('GET', `${base}/measures${at}`),
  });
  const history = useQuery({
    queryKey: ['credit-history', query?.kind, subject],
    enabled: Boolean(subject),
    queryFn: () => api<History>('GET', `${base}/history`),
  });
  const inputs = useQuery({
    queryKey: ['credit-inputs', query?.kind, subject],
    enabled: Boolean(subject),
    queryFn: () => api<{ items: InputRow[] }>('GET', `${base}/inputs`),
  });
  const byDepartment = new Map<string, InputRow[]>();
  for (const i of inputs.data?.items ?? []) byDepartment.set(i.source, [...(byDepartment.get(i.source) ?? []), i]);
  return (
    <div className="card" data-testid="credit-lookup">
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ kind, code: kind === 'enterprise' ? code.trim().toUpperCase() : code.trim(), asOf });
        }}
      >
        <select
          data-testid="credit-kind"
          aria-label={t('credit.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as SubjectKindPath)}
        >
          <option value="enterprise">{t('credit.kind.enterprise')}</option>
          <option value="individual">{t('credit.kind.individual')}</option>
        </select>
        <input
          data-testid="credit-uscc"
          className="mono"
          placeholder={kind === 'enterprise' ? t('credit.uscc') : t('credit.individualId')}
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <input
          data-testid="credit-asof"
          type="date"
          aria-label={t('credit.asOf')}
          value={asOf}
          onChange={(e) => setAsOf(e.target.value)}
        />
        <button type="submit" data-testid="credit-submit">
          {t('common.search')}
        </button>
      </form>
      {(credit.isFetching || person.isFetching) && <Spinner />}
      {person.error && <ErrorBox error={person.error} />}
      {person.data && (
        <div className="muted" data-testid="credit-person">
          {person.data.name} · {person.data.idNumber}
        </div>
      )}
      {credit.error && <ErrorBox error={credit.error} />}
      {credit.data && <CreditSummary credit={credit.data} testId="credit" />}
      {measures.data && (
        <>
          <h4>{t('credit.measures')}</h4>
          <CreditMeasures measures={measures.data} enterprise={query?.kind === 'enterprise'} />
        </>
      )}
      {history.data && <CreditHistory history={history.data} testId="credit" />}
      {byDepartment.size > 0 && (
        <>
          <h4>{t('credit.inputs')}</h4>
          <table className="table" data-testid="credit-inputs">
            <thead>
              <tr>
                <th>{t('credit.col.source')}</th>
                <th>{t('credit.col.date')}</th>
                <th>{t('credit.col.detail')}</th>
                <th>{t('credit.col.reference')}</th>
                <th>{t('credit.col.withdrawn')}</th>
              </tr>
            </thead>
            {[...byDepartment.entries()].map(([department, rows]) => (
              <tbody key={department}>
                {rows.map((i, n) => (
                  <tr key={i.id} className={i.withdrawn ? 'withdrawn' : ''}>
                    {n === 0 && <th rowSpan={rows.length}>{labels.department(department)}</th>}
                    <td>{i.effectiveDate}</td>
                    <td>
                      {labels.input(i)}{' '}
                      <span className="muted">
                        {i.type}
                        {i.kind ? ` ${i.kind}` : ''}
                      </span>
                    </td>
                    <td>{i.reference ?? ''}</td>
                    <td>{i.withdrawn ? `${i.withdrawn.date}: ${i.withdrawn.reason}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </>
      )}
    </div>
  );
}
