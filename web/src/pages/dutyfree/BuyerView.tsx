import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useDt } from '../../i18n/dutyfree.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.ts';
import { formatDateTime } from '../../format.ts';
import { Spinner } from '../../components/Spinner.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { CreditCard } from './parts.tsx';
import { IdFields, type IdValue } from './IdFields.tsx';
import type { BuyerProfile as Profile } from '../../api/wire.ts';

/** A buyer: found by ID, or reached from a ring; purchases, trips, bans, rings and personal credit. */
export function BuyerView({ buyerId }: { buyerId: string | null }) {
  const dt = useDt();
  const { t } = useI18n();
  const [id, setId] = useState<IdValue>({ idType: 'RESIDENT_ID', idNumber: '' });
  const find = useMutation({
    mutationFn: () => api<{ buyerId: string }>('POST', '/api/v1/dutyfree/buyers/lookup', id),
    onSuccess: (b) => navigate(`/dutyfree/buyers/${b.buyerId}`),
  });
  return (
    <section data-testid="df-buyer">
      <form className="search filters" onSubmit={(e) => (e.preventDefault(), find.mutate())}>
        <strong>{dt('df.buyer.lookup')}</strong>
        <IdFields value={id} onChange={setId} prefix="df-buyer" />
        <button type="submit" data-testid="df-buyer-find">
          {t('common.search')}
        </button>
      </form>
      {find.error && <ErrorBox error={find.error} />}
      {buyerId && <BuyerProfile buyerId={buyerId} />}
    </section>
  );
}

function BuyerProfile({ buyerId }: { buyerId: string }) {
  const dt = useDt();
  const { lang } = useI18n();
  const q = useQuery({
    queryKey: ['df-buyer', buyerId],
    queryFn: () => api<Profile>('GET', `/api/v1/dutyfree/buyers/${buyerId}/profile`),
  });
  if (q.isLoading) return <Spinner />;
  if (q.error) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  const p = q.data!;
  return (
    <>
      <h2 data-testid="df-buyer-name">
        {p.buyer.name}{' '}
        <span className="mono small">
          {dt(`df.idType.${p.buyer.idType as 'PASSPORT'}`)} {p.buyer.idNumber}
        </span>
      </h2>
      <CreditCard credit={p.credit} lang={lang} />
      <h3>{dt('df.buyer.trips')}</h3>
      <table className="table" data-testid="df-buyer-trips">
        <tbody>
          {p.trips.map((t) => (
            <tr key={t.tripId}>
              <td>{t.departureDate}</td>
              <td>
                {dt(`shop.mode.${t.mode as 'FLIGHT'}`)} {t.number}
              </td>
              <td>{dt(`shop.destination.${t.destination as 'MAINLAND'}`)}</td>
              <td className="num">{t.amount}</td>
              <td>{t.departure ? dt('df.buyer.departed', { how: t.departure }) : dt('df.buyer.notDeparted')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{dt('df.buyer.sales')}</h3>
      <table className="table" data-testid="df-buyer-sales">
        <tbody>
          {p.sales.map((s) => (
            <tr key={s.reservationId}>
              <td>{formatDateTime(s.createdAt, lang)}</td>
              <td>{s.shop}</td>
              <td>{dt(`shop.collection.${s.collection as 'MAIL'}`)}</td>
              <td>{s.status}</td>
              <td className="num">{s.amount}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{dt('df.buyer.bans')}</h3>
      {p.bans.length === 0 ? (
        <p className="muted">{dt('df.buyer.none')}</p>
      ) : (
        <ul data-testid="df-buyer-bans">
          {p.bans.map((b) => (
            <li key={b.banId}>
              {b.reason} · {b.validFrom} – {b.validTo}
              {b.liftedAt ? ` · ${formatDateTime(b.liftedAt, lang)}` : ''}
            </li>
          ))}
        </ul>
      )}
      <h3>{dt('df.buyer.rings')}</h3>
      {p.rings.length === 0 ? (
        <p className="muted">{dt('df.buyer.none')}</p>
      ) : (
        <ul>
          {p.rings.map((r) => (
            <li key={r.ringId}>
              <a href={`#/dutyfree/rings/${r.ringId}`}>{dt('df.yellow.ringOf', { n: r.size, score: r.ringScore })}</a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
