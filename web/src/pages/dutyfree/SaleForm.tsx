import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useDt } from '../../i18n/dutyfree.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { IdFields, type IdValue } from './IdFields.tsx';
import { shopApi } from './shopApi.ts';

const COLLECTIONS = ['DEPARTURE_PICKUP', 'MAIL', 'RETURN_PICKUP', 'GUARANTEE_AND_COLLECT', 'BUY_AND_COLLECT'] as const;
const CATEGORIES = [
  'COSMETICS',
  'PERFUME',
  'MOBILE_PHONE',
  'ALCOHOL',
  'WATCHES',
  'JEWELLERY',
  'BAGS',
  'CLOTHING',
  'ELECTRONICS',
];

interface Line {
  sku: string;
  name: string;
  category: string;
  unitPrice: string;
  quantity: string;
  volumeMl: string;
}

const emptyLine = (): Line => ({
  sku: '',
  name: '',
  category: 'COSMETICS',
  unitPrice: '',
  quantity: '1',
  volumeMl: '',
});
const inTwoDays = () => new Date(Date.now() + 8 * 3_600_000 + 2 * 86_400_000).toISOString().slice(0, 10);

interface Reserved {
  reservationId: string;
  amount: string;
  quotaLeft: string;
  expiresAt: string;
}

/** A sale at the till: reserve the quota, then confirm (the sale, with its codes) or cancel. */
export function SaleForm() {
  const dt = useDt();
  const [id, setId] = useState<IdValue>({ idType: 'RESIDENT_ID', idNumber: '' });
  const [name, setName] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [departure, setDeparture] = useState({
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
        <div className="search">
          <strong>{dt('shop.departure')}</strong>
          <select value={departure.mode} onChange={(e) => setDeparture({ ...departure, mode: e.target.value })}>
            {(['FLIGHT', 'TRAIN', 'SHIP'] as const).map((m) => (
              <option key={m} value={m}>
                {dt(`shop.mode.${m}`)}
              </option>
            ))}
          </select>
          <input
            className="mono"
            value={departure.number}
            onChange={(e) => setDeparture({ ...departure, number: e.target.value })}
            data-testid="shop-sale-number"
            placeholder="HU7181"
          />
          <input
            type="date"
            value={departure.date}
            onChange={(e) => setDeparture({ ...departure, date: e.target.value })}
            data-testid="shop-sale-date"
          />
          <select
            value={departure.destination}
            onChange={(e) => setDeparture({ ...departure, destination: e.target.value })}
          >
            {(['MAINLAND', 'ABROAD'] as const).map((d) => (
              <option key={d} value={d}>
                {dt(`shop.destination.${d}`)}
              </option>
            ))}
          </select>
          <select
            value={collection}
            onChange={(e) => setCollection(e.target.value as typeof collection)}
            aria-label={dt('shop.collection')}
            data-testid="shop-sale-collection"
          >
            {COLLECTIONS.map((c) => (
              <option key={c} value={c}>
                {dt(`shop.collection.${c}`)}
              </option>
            ))}
          </select>
        </div>
        <table className="table">
          <thead>
            <tr>
              <th>{dt('shop.sku')}</th>
              <th>{dt('shop.itemName')}</th>
              <th>{dt('shop.category')}</th>
              <th>{dt('shop.unitPrice')}</th>
              <th>{dt('shop.quantity')}</th>
              <th>{dt('shop.volumeMl')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={i}>
                <td>
                  <input
                    className="mono"
                    value={l.sku}
                    onChange={(e) => setLine(i, { sku: e.target.value })}
                    data-testid={`shop-line-sku-${i}`}
                  />
                </td>
                <td>
                  <input
                    value={l.name}
                    onChange={(e) => setLine(i, { name: e.target.value })}
                    data-testid={`shop-line-name-${i}`}
                  />
                </td>
                <td>
                  <input
                    list="df-categories"
                    className="mono"
                    value={l.category}
                    onChange={(e) => setLine(i, { category: e.target.value.toUpperCase() })}
                    data-testid={`shop-line-category-${i}`}
                  />
                </td>
                <td>
                  <input
                    className="num"
                    value={l.unitPrice}
                    onChange={(e) => setLine(i, { unitPrice: e.target.value })}
                    data-testid={`shop-line-price-${i}`}
                  />
                </td>
                <td>
                  <input
                    className="num"
                    value={l.quantity}
                    onChange={(e) => setLine(i, { quantity: e.target.value })}
                    data-testid={`shop-line-quantity-${i}`}
                  />
                </td>
                <td>
                  <input
                    className="num"
                    value={l.volumeMl}
                    onChange={(e) => setLine(i, { volumeMl: e.target.value })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <datalist id="df-categories">
          {CATEGORIES.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
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
