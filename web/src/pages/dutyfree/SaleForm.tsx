import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useDt } from '../../i18n/dutyfree.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { IdFields, type IdValue } from './IdFields.tsx';
import { shopApi } from './shopApi.ts';
import type { Reserved } from '../../api/wire.ts';
import { type COLLECTIONS, DepartureFields, type Departure } from './DepartureFields.tsx';
import { SaleLines, emptyLine, type Line } from './SaleLines.tsx';

const inTwoDays = () => new Date(Date.now() + 8 * 3_600_000 + 2 * 86_400_000).toISOString().slice(0, 10);

/** A sale at the till: reserve the quota, then confirm (the sale, with its codes) or cancel. */
export function SaleForm() {
  const dt = useDt();
  const [id, setId] = useState<IdValue>({ idType: 'RESIDENT_ID', idNumber: '' });
  const [name, setName] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [departure, setDeparture] = useState<Departure>({
    mode: 'FLIGHT',
    number: '',
    date: inTwoDays(),
    destination: 'MAINLAND',
  });
  const [collection, setCollection] = useState<(typeof COLLECTIONS)[number]>('DEPARTURE_PICKUP');
  const [lines, setLines] = useState<Line[]>([emptyLine()]);
  const setLine = (i: number, patch: Partial<Line>) =>
    setLines(lines.map((l, k) => (k === i ? { ...l, ...patch } : l)));
  const reserve = useMutation({
    mutationFn: () =>
      shopApi<Reserved>('POST', '/api/v1/dutyfree/reservations', {
        requestId: crypto.randomUUID(),
        buyer: { ...id, name, ...(id.idType !== 'RESIDENT_ID' && birthDate ? { birthDate } : {}) },
        departure,
        collection,
        items: lines.map((l) => ({
          sku: l.sku,
          name: l.name,
          category: l.category,
          unitPrice: l.unitPrice,
          quantity: Number(l.quantity),
          ...(l.volumeMl ? { volumeMl: Number(l.volumeMl) } : {}),
        })),
      }),
  });
  const settle = useMutation({
    mutationFn: (what: 'confirm' | 'cancel') =>
      shopApi<{ status: string; codes?: { sku: string; codes: string[] }[] }>(
        'POST',
        `/api/v1/dutyfree/reservations/${reserve.data!.reservationId}/${what}`,
      ),
  });
  const r = reserve.data;
  return (
    <section className="card" data-testid="shop-sale">
      <h2>{dt('shop.sale')}</h2>
      <form className="form" onSubmit={(e) => (e.preventDefault(), settle.reset(), reserve.mutate())}>
        <div className="search">
          <IdFields value={id} onChange={setId} prefix="shop-sale" />
          <input
            placeholder={dt('df.field.name')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="shop-sale-name"
          />
          {id.idType !== 'RESIDENT_ID' && (
            <input
              type="date"
              aria-label={dt('df.field.birthDate')}
              value={birthDate}
              onChange={(e) => setBirthDate(e.target.value)}
            />
          )}
        </div>
        <DepartureFields
          departure={departure}
          setDeparture={setDeparture}
          collection={collection}
          setCollection={setCollection}
        />
        <SaleLines lines={lines} setLine={setLine} />
        <div className="actions">
          <button type="button" onClick={() => setLines([...lines, emptyLine()])}>
            {dt('shop.addItem')}
          </button>
          <button type="submit" data-testid="shop-reserve">
            {dt('shop.reserve')}
          </button>
        </div>
      </form>
      {reserve.error && <ErrorBox error={reserve.error} />}
      {r && !settle.data && (
        <div className="ok-box" data-testid="shop-reserved">
          <p>
            {dt('shop.reservationId')}{' '}
            <span className="mono" data-testid="shop-reservation-id">
              {r.reservationId}
            </span>
          </p>
          <p>
            {dt('shop.reserved', {
              amount: r.amount,
              left: r.quotaLeft,
              expires: new Date(r.expiresAt).toLocaleTimeString(),
            })}
          </p>
          <div className="actions">
            <button type="button" onClick={() => settle.mutate('confirm')} data-testid="shop-confirm">
              {dt('shop.confirm')}
            </button>
            <button type="button" onClick={() => settle.mutate('cancel')} data-testid="shop-cancel">
              {dt('shop.cancel')}
            </button>
          </div>
        </div>
      )}
      {settle.data?.status === 'CONFIRMED' && (
        <div className="ok-box" data-testid="shop-confirmed">
          <p>
            {dt('shop.confirmed')} <span className="mono">{r?.reservationId}</span>
          </p>
          <ul className="mono" data-testid="shop-codes">
            {settle.data.codes?.flatMap((l) => l.codes.map((c) => <li key={c}>{c}</li>))}
          </ul>
        </div>
      )}
      {settle.data?.status === 'CANCELLED' && <p className="ok-box">{dt('shop.cancelled')}</p>}
      {settle.error && <ErrorBox error={settle.error} />}
    </section>
  );
}
