/**
 * The shop console (免税店收银台): a till connects with its shop's API key, looks up a buyer's quota,
 * reserves quota for a sale, confirms or cancels it, and takes returns by traceability code.
 */
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useDt } from '../../i18n/dutyfree.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { IdFields, type IdValue } from './IdFields.tsx';
import { SaleForm } from './SaleForm.tsx';
import { shopApi, shopKey } from './shopApi.ts';
import type { Quota } from '../../api/wire.ts';

export function ShopConsole() {
  const dt = useDt();
  const [key, setKey] = useState(shopKey.get() ?? '');
  const [connected, setConnected] = useState(Boolean(shopKey.get()));
  const me = useQuery({
    queryKey: ['shop-me', connected],
    enabled: connected,
    retry: false,
    queryFn: () => shopApi<{ actor: { name: string; role: string } }>('GET', '/api/v1/me'),
  });
  const connect = () => {
    shopKey.set(key.trim());
    setConnected(true);
  };
  const disconnect = () => {
    shopKey.clear();
    setKey('');
    setConnected(false);
  };
  return (
    <div data-testid="shop-console">
      <h1>{dt('shop.title')}</h1>
      {!connected || me.error ? (
        <form className="form card" onSubmit={(e) => (e.preventDefault(), connect())}>
          <label>
            {dt('shop.key')}
            <input
              type="password"
              className="mono"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              data-testid="shop-key"
              autoComplete="off"
            />
          </label>
          <p className="muted small">{dt('shop.keyHint')}</p>
          <button type="submit" data-testid="shop-connect">
            {dt('shop.connect')}
          </button>
          {me.error && <ErrorBox error={me.error} />}
        </form>
      ) : (
        <>
          <p data-testid="shop-connected">
            {dt('shop.connected', { shop: me.data?.actor.name ?? '…' })}{' '}
            <button type="button" className="link-button" onClick={disconnect}>
              {dt('shop.disconnect')}
            </button>
          </p>
          <QuotaLookup />
          <SaleForm />
          <Returns />
        </>
      )}
    </div>
  );
}

function QuotaLookup() {
  const dt = useDt();
  const [id, setId] = useState<IdValue>({ idType: 'RESIDENT_ID', idNumber: '' });
  const look = useMutation({ mutationFn: () => shopApi<Quota>('POST', '/api/v1/dutyfree/quota/lookup', id) });
  return (
    <section className="card" data-testid="shop-quota">
      <h2>{dt('shop.quota')}</h2>
      <form className="search" onSubmit={(e) => (e.preventDefault(), look.mutate())}>
        <IdFields value={id} onChange={setId} prefix="shop-quota" />
        <button type="submit" data-testid="shop-quota-submit">
          {dt('shop.quota')}
        </button>
      </form>
      {look.data && <p data-testid="shop-quota-result">{dt('shop.quotaResult', { ...look.data })}</p>}
      {look.error && <ErrorBox error={look.error} />}
    </section>
  );
}

function Returns() {
  const dt = useDt();
  const [reservationId, setReservationId] = useState('');
  const [codes, setCodes] = useState('');
  const back = useMutation({
    mutationFn: () =>
      shopApi<{ returnedUnits: number; amountReturned: string }>(
        'POST',
        `/api/v1/dutyfree/reservations/${reservationId.trim()}/returns`,
        {
          codes: codes.split(/\s+/).filter(Boolean),
        },
      ),
  });
  return (
    <section className="card" data-testid="shop-returns">
      <h2>{dt('shop.returns')}</h2>
      <form className="form" onSubmit={(e) => (e.preventDefault(), back.mutate())}>
        <label>
          {dt('shop.reservationId')}
          <input
            className="mono"
            value={reservationId}
            onChange={(e) => setReservationId(e.target.value)}
            data-testid="shop-return-reservation"
          />
        </label>
        <label>
          {dt('shop.returnCodes')}
          <textarea
            className="mono"
            rows={3}
            value={codes}
            onChange={(e) => setCodes(e.target.value)}
            data-testid="shop-return-codes"
          />
        </label>
        <button type="submit" data-testid="shop-return-submit">
          {dt('shop.return')}
        </button>
      </form>
      {back.data && (
        <p className="ok-box" data-testid="shop-return-result">
          {dt('shop.returned', { units: back.data.returnedUnits, amount: back.data.amountReturned })}
        </p>
      )}
      {back.error && <ErrorBox error={back.error} />}
    </section>
  );
}
