import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import type { DocType, Item } from './model.ts';
import type { LineDraft } from './DocumentForm.tsx';

/** One line of a book document: the item, its quantity (or change) and, for a first-line import, its cost. */
export function DocumentLineRow({
  i,
  l,
  type,
  items,
  update,
  fieldError,
}: {
  i: number;
  l: LineDraft;
  type: DocType;
  items: Item[];
  update: (i: number, patch: Partial<LineDraft>) => void;
  fieldError: (path: string, testId: string) => ReactNode;
}) {
  const { t } = useI18n();
  return (
    <tr>
      <td>{i + 1}</td>
      <td>
        <select
          aria-label={t('ledger.item')}
          value={l.itemId}
          onChange={(e) => update(i, { itemId: e.target.value })}
          data-testid={`doc-line${i}-item`}
        >
          {items.map((it) => (
            <option key={it.id} value={it.id}>
              {it.itemNo} {it.name}
            </option>
          ))}
        </select>
        {fieldError(`lines[${i}].itemId`, `doc-line${i}-item-error`)}
      </td>
      <td>
        <input
          aria-label={type === 'ADJUSTMENT' ? t('ledger.delta') : t('ledger.quantity')}
          value={l.quantity}
          onChange={(e) => update(i, { quantity: e.target.value })}
          data-testid={`doc-line${i}-quantity`}
        />
        {fieldError(
          type === 'ADJUSTMENT' ? `lines[${i}].delta` : `lines[${i}].quantity`,
          `doc-line${i}-quantity-error`,
        )}
      </td>
      {type === 'FIRST_LINE_IMPORT' && (
        <td>
          <input
            aria-label={t('ledger.importedCny')}
            value={l.importedCny}
            onChange={(e) => update(i, { importedCny: e.target.value })}
            data-testid={`doc-line${i}-cost`}
          />
          {fieldError(`lines[${i}].importedCny`, `doc-line${i}-cost-error`)}
        </td>
      )}
    </tr>
  );
}
