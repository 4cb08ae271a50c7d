import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import type { Item, Line } from './exitDraft.ts';

/** One goods line of the form: the book item, quantity, value, weight, rates and whether domestic VAT was paid. */
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
      <label>
        {t('decl.form.dutyRate')}
        <input
          value={line.dutyRate}
          onChange={(e) => set(i, { dutyRate: e.target.value })}
          data-testid={`exit-line-${i}-duty`}
        />
        {field(`lines[${i}].dutyRate`)}
      </label>
      <label>
        {t('decl.form.vatRate')}
        <select
          value={line.vatRate}
          onChange={(e) => set(i, { vatRate: e.target.value })}
          data-testid={`exit-line-${i}-vat`}
        >
          <option value="0.13">13%</option>
          <option value="0.09">9%</option>
        </select>
      </label>
      <label>
        {t('decl.form.ctRate')}
        <input value={line.consumptionTaxRate} onChange={(e) => set(i, { consumptionTaxRate: e.target.value })} />
        {field(`lines[${i}].consumptionTaxRate`)}
      </label>
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
