import { useDt } from '../../i18n/dutyfree.ts';

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

export interface Line {
  sku: string;
  name: string;
  category: string;
  unitPrice: string;
  quantity: string;
  volumeMl: string;
}

export const emptyLine = (): Line => ({
  sku: '',
  name: '',
  category: 'COSMETICS',
  unitPrice: '',
  quantity: '1',
  volumeMl: '',
});

/** The goods lines of a sale at the till, with the categories offered. */
export function SaleLines({ lines, setLine }: { lines: Line[]; setLine: (i: number, patch: Partial<Line>) => void }) {
  const dt = useDt();
  return (
    <>
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
                <input className="num" value={l.volumeMl} onChange={(e) => setLine(i, { volumeMl: e.target.value })} />
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
    </>
  );
}
