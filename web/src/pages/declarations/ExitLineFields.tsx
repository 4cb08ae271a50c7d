import type { ReactNode } from 'react';
import { RatesHint } from '../../components/RatesHint.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { Item, Line } from './exitDraft.ts';

/**
 * One goods line of the form: the book item, quantity, value, weight and whether domestic VAT was paid, with
 * the tariff table's rates for the item shown read-only (the server applies those; none is typed).
 */
export function ExitLineFields({
  i,
  line,
  items,
  set,
  field,
}: {
  i: number;
  line: Line;
  items: Item[];
  set: (i: number, patch: Partial<Line>) => void;
  field: (path: string) => ReactNode;
}) {
  const { t } = useI18n();
  const item = items.find((it) => it.id === line.itemId);
  return (
    <fieldset data-testid={`exit-line-${i}`}>
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is the select or the input chosen inside */}
      <label>
        {t('decl.item')}
        {items.length > 0 ? (
          <select
            value={line.itemId}
            onChange={(e) => set(i, { itemId: e.target.value })}
            data-testid={`exit-line-${i}-item`}
          >
            <option value="">—</option>
            {items.map((it) => (
              <option key={it.id} value={it.id}>
                {it.itemNo} {it.name} ({it.hsCode}) {it.available ? `· ${it.available} ${it.unit}` : ''}
              </option>
            ))}
          </select>
        ) : (
          <input
            className="mono"
            value={line.itemId}
            onChange={(e) => set(i, { itemId: e.target.value })}
            data-testid={`exit-line-${i}-item`}
          />
        )}
        {field(`lines[${i}].itemId`)}
      </label>
      <label>
        {t('decl.quantity')}
        <input
          value={line.quantity}
          onChange={(e) => set(i, { quantity: e.target.value })}
          data-testid={`exit-line-${i}-quantity`}
        />
        {field(`lines[${i}].quantity`)}
      </label>
      <label>
        {t('decl.value')}
        <input
          value={line.valueCny}
          onChange={(e) => set(i, { valueCny: e.target.value })}
          data-testid={`exit-line-${i}-value`}
        />
        {field(`lines[${i}].valueCny`)}
      </label>
      <label>
        {t('decl.form.net')}
        <input
          value={line.netWeightKg}
          onChange={(e) => set(i, { netWeightKg: e.target.value })}
          data-testid={`exit-line-${i}-net`}
        />
        {field(`lines[${i}].netWeightKg`)}
      </label>
      {/* No rate is asked: the platform's, by the item's code and origin on the day, read-only. */}
      <RatesHint code={item?.hsCode ?? ''} origin={item?.originCountry ?? ''} testId={`exit-line-${i}-rates`}>
        {field(`lines[${i}].dutyRate`)}
      </RatesHint>
      <label className="check">
        <input
          type="checkbox"
          checked={line.domesticVatPaid}
          onChange={(e) => set(i, { domesticVatPaid: e.target.checked })}
        />
        {t('decl.form.domesticVatPaid')}
      </label>
    </fieldset>
  );
}
