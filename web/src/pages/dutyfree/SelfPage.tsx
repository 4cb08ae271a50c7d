/**
 * The person's own view (本人查询), no login: ID, name and a traceability code from the receipt give
 * this year's quota, the person's latest purchases and the personal credit score with its reasons.
 */
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useDt } from '../../i18n/dutyfree.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { IdFields, type IdValue } from './IdFields.tsx';
import { CreditCard } from './parts.tsx';
import type { SelfView } from '../../api/wire.ts';

export function SelfPage() {
  const dt = useDt();
  const { t, lang } = useI18n();
  const [id, setId] = useState<IdValue>({ idType: 'RESIDENT_ID', idNumber: '' });
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const ask = useMutation({
    mutationFn: () =>
      api<SelfView>('POST', '/api/v1/dutyfree/self', {
        ...id,
        name,
        code,
      }),
  });
  const a = ask.data;
  return (
    <div data-testid="self-page">
      <h1>{dt('self.title')}</h1>
      <p className="muted">{dt('self.hint')}</p>
      <form className="search" onSubmit={(e) => (e.preventDefault(), ask.mutate())}>
        <IdFields value={id} onChange={setId} prefix="self" />
        <input
          placeholder={dt('df.field.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="self-name"
        />
        <input
          className="mono"
          placeholder={dt('self.code')}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          data-testid="self-code"
        />
        <button type="submit" data-testid="self-submit">
          {t('common.search')}
        </button>
      </form>
      {ask.error && <ErrorBox error={ask.error} />}
      {a && (
        <>
          <section className="card" data-testid="self-quota">
            <div className="card-label">{dt('self.quota', { year: a.quota.year })}</div>
            <div className="card-value">{dt('self.left', { ...a.quota })}</div>
          </section>
          <section className="card" data-testid="self-purchases">
            <div className="card-label">{dt('self.purchases')}</div>
            {a.purchases.length === 0 ? (
              <div>{dt('self.noPurchases')}</div>
            ) : (
              <ul>
                {a.purchases.map((p) => (
                  <li key={p.reservationId}>
                    {dt('self.purchase', { at: p.createdAt.slice(0, 10), shop: p.shop, amount: p.amount })}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <CreditCard credit={a.credit} lang={lang} />
        </>
      )}
    </div>
  );
}
