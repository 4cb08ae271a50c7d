import { useDt } from '../../i18n/dutyfree.ts';

export const COLLECTIONS = [
  'DEPARTURE_PICKUP',
  'MAIL',
  'RETURN_PICKUP',
  'GUARANTEE_AND_COLLECT',
  'BUY_AND_COLLECT',
] as const;

export interface Departure {
  mode: string;
  number: string;
  date: string;
  destination: string;
}

/** The buyer's departure (mode, number, day, destination) and how the goods are collected. */
export function DepartureFields({
  departure,
  setDeparture,
  collection,
  setCollection,
}: {
  departure: Departure;
  setDeparture: (d: Departure) => void;
  collection: (typeof COLLECTIONS)[number];
  setCollection: (c: (typeof COLLECTIONS)[number]) => void;
}) {
  const dt = useDt();
  return (
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
  );
}
